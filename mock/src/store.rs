//! The mock's state: account groups, idempotency records, and the closing clock. What a request
//! touches is indexed (ids, account numbers, the closing queue), so a create or a get costs the
//! same with a million groups as with ten.

use crate::idempotency::{Key, Record, Replays};
use crate::options::Options;
use bytes::Bytes;
use serde_json::Value;
use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, SystemTime};
use upvest_api::{
    AccountGroup, AccountGroupEventType, AccountGroupStatus, AccountGroupUser, BusinessAccountGroup, BusinessAccountGroupType,
    UserAccountGroup, UserAccountGroupType,
};
use uuid::Uuid;

/// Whose a group is, and so its type: a user's group has one of the user types, a business's
/// the business type.
#[derive(Debug, Clone)]
pub enum Owner {
    User(Uuid, UserAccountGroupType),
    Business(Uuid),
}

#[derive(Debug, Clone)]
pub struct Group {
    pub id: Uuid,
    /// Insertion order; breaks ties between equal timestamps so paging is stable.
    pub seq: u64,
    pub created_at: SystemTime,
    pub updated_at: SystemTime,
    pub status: AccountGroupStatus,
    pub owner: Owner,
    /// Nine digits, leading zeros included when shown.
    pub securities_account_number: u32,
}

impl Group {
    /// The group as the API answers it.
    pub fn to_api(&self) -> AccountGroup {
        let (id, created_at, updated_at) = (self.id.hyphenated().to_string(), timestamp(self.created_at), timestamp(self.updated_at));
        let securities_account_number = format!("{:09}", self.securities_account_number);
        let status = self.status.clone();
        match self.owner {
            Owner::User(user, r#type) => {
                let users = vec![AccountGroupUser { id: Some(user.hyphenated().to_string()), r#type: Some(r#type.creator_relation()) }];
                AccountGroup::User(UserAccountGroup { id, created_at, updated_at, r#type, status, users, securities_account_number })
            }
            Owner::Business(business) => AccountGroup::Business(BusinessAccountGroup {
                id,
                created_at,
                updated_at,
                r#type: BusinessAccountGroupType::Business,
                status,
                business_id: business.hyphenated().to_string(),
                securities_account_number,
            }),
        }
    }
}

/// RFC 3339 in UTC with milliseconds, as the API's examples (with fractions) show.
pub fn timestamp(at: SystemTime) -> String {
    humantime::format_rfc3339_millis(at).to_string()
}

/// The outcome of asking to close a group.
pub enum Closure {
    Started,
    NotFound,
    WrongState(String),
}

/// How large the store may grow.
#[derive(Debug, Clone, Copy)]
pub struct Capacity {
    pub groups: usize,
    pub idempotency_keys: usize,
    pub idempotency_ttl: Duration,
}

impl Capacity {
    pub fn from_options(options: &Options) -> Capacity {
        Capacity {
            groups: options.max_groups,
            idempotency_keys: options.max_idempotency_keys,
            idempotency_ttl: Duration::from_secs(options.idempotency_ttl_s),
        }
    }
}

#[derive(Debug)]
pub struct Store {
    /// Webhook events of changes made since they were last taken: (type, group as of then).
    pub events: Vec<(AccountGroupEventType, AccountGroup)>,
    groups: Vec<Group>,
    index: HashMap<Uuid, usize>,
    /// Each user's groups, in creation order.
    by_user: HashMap<Uuid, Vec<usize>>,
    account_numbers: HashSet<u32>,
    /// Closing groups by when they close: with one delay for all, the order they were closed in.
    closing: VecDeque<(SystemTime, usize)>,
    replays: Replays,
    max_groups: usize,
    next_seq: u64,
    close_delay: Duration,
}

/// How a list is ordered.
#[derive(Debug, Clone, Copy)]
pub struct Order {
    pub by_updated: bool,
    pub descending: bool,
}

impl Store {
    pub fn new(close_delay: Duration, capacity: Capacity) -> Store {
        Store {
            events: Vec::new(),
            groups: Vec::new(),
            index: HashMap::new(),
            by_user: HashMap::new(),
            account_numbers: HashSet::new(),
            closing: VecDeque::new(),
            replays: Replays::new(capacity.idempotency_ttl, capacity.idempotency_keys),
            max_groups: capacity.groups,
            next_seq: 0,
            close_delay,
        }
    }

    /// Whether another group would pass `--max-groups`.
    pub fn is_full(&self) -> bool {
        self.groups.len() >= self.max_groups
    }

    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    pub fn insert(&mut self, owner: Owner, number: Option<u32>, status: AccountGroupStatus, at: SystemTime) -> &Group {
        let number = number.unwrap_or_else(|| self.fresh_account_number());
        // Creation times never decrease along the vector (even if the clock steps back), so the
        // vector is always in created_at order and the default listing needs no sort.
        let at = self.groups.last().map_or(at, |last| last.created_at.max(at));
        let group = Group {
            id: Uuid::new_v4(),
            seq: self.next_seq,
            created_at: at,
            updated_at: at,
            status,
            owner,
            securities_account_number: number,
        };
        self.next_seq += 1;
        self.account_numbers.insert(number);
        if let Owner::User(user, _) = group.owner {
            self.by_user.entry(user).or_default().push(self.groups.len());
        }
        self.index.insert(group.id, self.groups.len());
        self.groups.push(group);
        &self.groups[self.groups.len() - 1]
    }

    pub fn account_number_taken(&self, number: u32) -> bool {
        self.account_numbers.contains(&number)
    }

    fn fresh_account_number(&self) -> u32 {
        loop {
            let candidate = (Uuid::new_v4().as_u128() % 1_000_000_000) as u32;
            if !self.account_number_taken(candidate) {
                return candidate;
            }
        }
    }

    fn user_groups<'a>(&'a self, user: &Uuid) -> impl Iterator<Item = &'a Group> + 'a {
        self.by_user.get(user).into_iter().flatten().map(|&i| &self.groups[i])
    }

    pub fn has_user_group(&self, user: &Uuid, group_type: UserAccountGroupType) -> bool {
        self.user_groups(user).any(|g| matches!(g.owner, Owner::User(_, t) if t == group_type) && g.status != AccountGroupStatus::Closed)
    }

    /// Moves groups whose closing delay has passed to CLOSED.
    pub fn settle(&mut self, now: SystemTime) {
        while let Some(&(at, i)) = self.closing.front().filter(|(at, _)| *at <= now) {
            self.closing.pop_front();
            let group = &mut self.groups[i];
            group.status = AccountGroupStatus::Closed;
            group.updated_at = at;
            self.events.push((AccountGroupEventType::Closed, group.to_api()));
        }
    }

    pub fn get(&self, id: &Uuid) -> Option<&Group> {
        self.index.get(id).map(|&i| &self.groups[i])
    }

    pub fn close(&mut self, id: &Uuid, now: SystemTime) -> Closure {
        let close_delay = self.close_delay;
        let Some(&i) = self.index.get(id) else { return Closure::NotFound };
        let group = &mut self.groups[i];
        if group.status != AccountGroupStatus::Active {
            return Closure::WrongState(group.status.as_str().to_owned());
        }
        group.status = AccountGroupStatus::Closing;
        group.updated_at = now;
        self.closing.push_back((now + close_delay, i));
        let closing = group.to_api();
        self.events.push((AccountGroupEventType::ClosingInitiated, closing));
        Closure::Started
    }

    /// One page of the groups (of one user, when given) and the total before paging.
    pub fn page(&self, user: Option<&Uuid>, order: Order, offset: usize, limit: usize) -> (Vec<AccountGroup>, usize) {
        if user.is_none() && !order.by_updated {
            let in_order: Box<dyn Iterator<Item = &Group>> =
                if order.descending { Box::new(self.groups.iter().rev()) } else { Box::new(self.groups.iter()) };
            return (in_order.skip(offset).take(limit).map(Group::to_api).collect(), self.groups.len());
        }
        let mut selected: Vec<&Group> = match user {
            Some(user) => self.user_groups(user).collect(),
            None => self.groups.iter().collect(),
        };
        selected.sort_by_key(|g| (if order.by_updated { g.updated_at } else { g.created_at }, g.seq));
        if order.descending {
            selected.reverse();
        }
        let total = selected.len();
        (selected.into_iter().skip(offset).take(limit).map(Group::to_api).collect(), total)
    }

    /// What an earlier create with this key answered, while the key lives.
    pub fn idempotent(&self, key: &Key, now: SystemTime) -> Option<&Record> {
        self.replays.get(key, now)
    }

    pub fn remember(&mut self, key: Key, body: &Value, response: Bytes, now: SystemTime) {
        self.replays.insert(key, body, response, now);
    }

    pub fn idempotency_keys(&self) -> usize {
        self.replays.len()
    }

    /// Fills the store with `count` groups over several users, of every type and status, with
    /// timestamps spread over the past year. The same count gives the same spread every time.
    pub fn seed(&mut self, count: usize, now: SystemTime) {
        use AccountGroupStatus::{Active, Closed, Closing, Locked, PendingApproval};
        let statuses = [Active, Active, Active, Active, PendingApproval, Closing, Closed, Locked];
        let users: Vec<Uuid> = (1..=12u128).map(|n| Uuid::from_u128(0x5eed_0000_0000_4000_8000_0000_0000_0000 | n)).collect();
        let businesses: Vec<Uuid> = (1..=3u128).map(|n| Uuid::from_u128(0xb0b0_0000_0000_4000_8000_0000_0000_0000 | n)).collect();
        let year = Duration::from_secs(365 * 24 * 3600);
        let mut random = Xorshift(0x2545_f491_4f6c_dd1d ^ count as u64);
        for i in 0..count {
            let age = year.mul_f64((count - i) as f64 / count as f64);
            let created = now.checked_sub(age).unwrap_or(now);
            let owner = if i % 7 == 6 {
                Owner::Business(businesses[random.below(businesses.len())])
            } else {
                let user = users[random.below(users.len())];
                Owner::User(user, UserAccountGroupType::ALL[random.below(UserAccountGroupType::ALL.len())])
            };
            let status = statuses[random.below(statuses.len())].clone();
            let updated = created + Duration::from_secs(random.below(30 * 24 * 3600) as u64);
            self.insert(owner, None, status, created);
            let last = self.groups.len() - 1;
            self.groups[last].updated_at = updated.min(now);
        }
    }
}

/// A small deterministic generator, so seeded data is the same on every run.
struct Xorshift(u64);

impl Xorshift {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(close_delay: Duration, groups: usize) -> Store {
        Store::new(close_delay, Capacity { groups, idempotency_keys: 10, idempotency_ttl: Duration::from_secs(60) })
    }

    #[test]
    fn account_numbers_are_indexed_and_the_store_knows_when_it_is_full() {
        let mut store = store(Duration::ZERO, 3);
        let user = Owner::User(Uuid::from_u128(1), UserAccountGroupType::Isa);
        let id = store.insert(user.clone(), Some(42), AccountGroupStatus::Active, SystemTime::now()).id;
        assert!(store.account_number_taken(42));
        assert_eq!(serde_json::to_value(store.get(&id).unwrap().to_api()).unwrap()["securities_account_number"], "000000042");
        store.insert(user.clone(), None, AccountGroupStatus::Active, SystemTime::now());
        assert!(!store.is_full());
        store.insert(user, None, AccountGroupStatus::Active, SystemTime::now());
        assert!(store.is_full());
        assert_eq!(store.account_numbers.len(), 3, "each group has its own number");
    }

    #[test]
    fn closing_groups_close_in_turn_when_their_delay_has_passed() {
        let mut store = store(Duration::from_secs(10), 10);
        let start = SystemTime::now();
        let ids: Vec<Uuid> = (0..3)
            .map(|_| {
                store.insert(Owner::User(Uuid::from_u128(1), UserAccountGroupType::Personal), None, AccountGroupStatus::Active, start).id
            })
            .collect();
        for (i, id) in ids.iter().enumerate() {
            assert!(matches!(store.close(id, start + Duration::from_secs(i as u64)), Closure::Started));
        }
        store.settle(start + Duration::from_secs(11));
        let statuses: Vec<&str> = ids.iter().map(|id| store.get(id).unwrap().status.as_str()).collect();
        assert_eq!(statuses, ["CLOSED", "CLOSED", "CLOSING"]);
        assert_eq!(store.events.iter().filter(|(kind, _)| *kind == AccountGroupEventType::Closed).count(), 2);
    }
}
