//! The mock's state: account groups, idempotency records, and the closing clock.

use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::time::{Duration, SystemTime};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub enum Owner {
    User(Uuid),
    Business(Uuid),
}

#[derive(Debug, Clone)]
pub struct Group {
    pub id: Uuid,
    /// Insertion order; breaks ties between equal timestamps so paging is stable.
    pub seq: u64,
    pub created_at: SystemTime,
    pub updated_at: SystemTime,
    pub group_type: String,
    pub status: String,
    pub owner: Owner,
    pub securities_account_number: String,
    /// When a CLOSING group becomes CLOSED.
    pub closes_at: Option<SystemTime>,
}

impl Group {
    /// The group as the API serialises it, fields in the docs' order.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert("id".into(), json!(self.id.hyphenated().to_string()));
        map.insert("created_at".into(), json!(timestamp(self.created_at)));
        map.insert("updated_at".into(), json!(timestamp(self.updated_at)));
        map.insert("type".into(), json!(self.group_type));
        map.insert("status".into(), json!(self.status));
        match self.owner {
            Owner::User(user) => {
                let relation = if self.group_type == "CHILD" { "CHILD" } else { "OWNER" };
                map.insert("users".into(), json!([{"id": user.hyphenated().to_string(), "type": relation}]));
            }
            Owner::Business(business) => {
                map.insert("business_id".into(), json!(business.hyphenated().to_string()));
            }
        }
        map.insert("securities_account_number".into(), json!(self.securities_account_number));
        Value::Object(map)
    }

    fn belongs_to(&self, user: &Uuid) -> bool {
        matches!(self.owner, Owner::User(u) if u == *user)
    }
}

/// RFC 3339 in UTC with milliseconds, as the API's examples (with fractions) show.
pub fn timestamp(at: SystemTime) -> String {
    humantime::format_rfc3339_millis(at).to_string()
}

/// What a replayed create returns, and the body it was first sent with.
#[derive(Debug, Clone)]
pub struct IdempotentRecord {
    pub body: Value,
    pub response: Value,
}

/// The outcome of asking to close a group.
pub enum Closure {
    Started,
    NotFound,
    WrongState(String),
}

#[derive(Debug, Default)]
pub struct Store {
    /// Webhook events of changes made since they were last taken: (type, group as of then).
    pub events: Vec<(&'static str, Value)>,
    groups: Vec<Group>,
    index: HashMap<Uuid, usize>,
    idempotency: HashMap<(String, String), IdempotentRecord>,
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
    pub fn new(close_delay: Duration) -> Store {
        Store { close_delay, ..Store::default() }
    }

    pub fn insert(&mut self, owner: Owner, group_type: &str, number: Option<String>, status: &str, at: SystemTime) -> &Group {
        let number = number.unwrap_or_else(|| self.fresh_account_number());
        // Creation times never decrease along the vector (even if the clock steps back), so the
        // vector is always in created_at order and the default listing needs no sort.
        let at = self.groups.last().map_or(at, |last| last.created_at.max(at));
        let group = Group {
            id: Uuid::new_v4(),
            seq: self.next_seq,
            created_at: at,
            updated_at: at,
            group_type: group_type.to_owned(),
            status: status.to_owned(),
            owner,
            securities_account_number: number,
            closes_at: None,
        };
        self.next_seq += 1;
        self.index.insert(group.id, self.groups.len());
        self.groups.push(group);
        &self.groups[self.groups.len() - 1]
    }

    pub fn account_number_taken(&self, number: &str) -> bool {
        self.groups.iter().any(|g| g.securities_account_number == number)
    }

    fn fresh_account_number(&self) -> String {
        loop {
            let n = Uuid::new_v4().as_u128() % 1_000_000_000;
            let candidate = format!("{n:09}");
            if !self.account_number_taken(&candidate) {
                return candidate;
            }
        }
    }

    pub fn has_user_group(&self, user: &Uuid, group_type: &str) -> bool {
        self.groups.iter().any(|g| g.group_type == group_type && g.belongs_to(user) && g.status != "CLOSED")
    }

    /// Moves groups whose closing delay has passed to CLOSED.
    pub fn settle(&mut self, now: SystemTime) {
        for group in &mut self.groups {
            if let Some(at) = group.closes_at.filter(|at| *at <= now) {
                group.status = "CLOSED".into();
                group.updated_at = at;
                group.closes_at = None;
                self.events.push(("ACCOUNT_GROUP.CLOSED", group.to_json()));
            }
        }
    }

    pub fn get(&self, id: &Uuid) -> Option<&Group> {
        self.index.get(id).map(|&i| &self.groups[i])
    }

    pub fn close(&mut self, id: &Uuid, now: SystemTime) -> Closure {
        let close_delay = self.close_delay;
        let Some(&i) = self.index.get(id) else { return Closure::NotFound };
        let group = &mut self.groups[i];
        if group.status != "ACTIVE" {
            return Closure::WrongState(group.status.clone());
        }
        group.status = "CLOSING".into();
        group.updated_at = now;
        group.closes_at = Some(now + close_delay);
        let closing = group.to_json();
        self.events.push(("ACCOUNT_GROUP.CLOSING_INITIATED", closing));
        Closure::Started
    }

    /// One page of the groups (of one user, when given) and the total before paging.
    pub fn page(&self, user: Option<&Uuid>, order: Order, offset: usize, limit: usize) -> (Vec<Value>, usize) {
        if user.is_none() && !order.by_updated {
            let in_order: Box<dyn Iterator<Item = &Group>> =
                if order.descending { Box::new(self.groups.iter().rev()) } else { Box::new(self.groups.iter()) };
            return (in_order.skip(offset).take(limit).map(Group::to_json).collect(), self.groups.len());
        }
        let mut selected: Vec<&Group> = self.groups.iter().filter(|g| user.is_none_or(|u| g.belongs_to(u))).collect();
        selected.sort_by_key(|g| (if order.by_updated { g.updated_at } else { g.created_at }, g.seq));
        if order.descending {
            selected.reverse();
        }
        let total = selected.len();
        (selected.into_iter().skip(offset).take(limit).map(Group::to_json).collect(), total)
    }

    pub fn idempotent(&self, client: &str, key: &str) -> Option<&IdempotentRecord> {
        self.idempotency.get(&(client.to_owned(), key.to_ascii_lowercase()))
    }

    pub fn remember(&mut self, client: &str, key: &str, record: IdempotentRecord) {
        self.idempotency.insert((client.to_owned(), key.to_ascii_lowercase()), record);
    }

    /// Fills the store with `count` groups over several users, of every type and status, with
    /// timestamps spread over the past year. The same count gives the same spread every time.
    pub fn seed(&mut self, count: usize, now: SystemTime) {
        const USER_TYPES: [&str; 5] = ["PERSONAL", "LEGAL_ENTITY", "FRENCH_PEA", "ISA", "CHILD"];
        const STATUSES: [&str; 8] = ["ACTIVE", "ACTIVE", "ACTIVE", "ACTIVE", "PENDING_APPROVAL", "CLOSING", "CLOSED", "LOCKED"];
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
                Owner::User(users[random.below(users.len())])
            };
            let group_type = match owner {
                Owner::Business(_) => "BUSINESS",
                Owner::User(_) => USER_TYPES[random.below(USER_TYPES.len())],
            };
            let status = STATUSES[random.below(STATUSES.len())];
            let updated = created + Duration::from_secs(random.below(30 * 24 * 3600) as u64);
            self.insert(owner, group_type, None, status, created);
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
