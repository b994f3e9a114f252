//! Paging policy for iteration: which page to ask for next, and when to stop, while the list may
//! change under the iteration (groups created, closed, moved by their sort key). The client, not
//! the server, owns the position: each page starts `OVERLAP` groups before where the previous one
//! ended, so that a list that moved back by up to that many is still read whole; a page that
//! repeats none of the groups already yielded although it should shows the list moved back
//! further, and the page before it is read again. Which groups were yielded is the glue's memory
//! (it drops repeats); the core is told how many of a page it had seen. A server that lies (an
//! offset not asked for, a short page that claims more, a list whose unread part never shrinks,
//! pages of groups never seen that keep sending it back) ends the iteration with an error.

use super::error::InvalidInput;
use super::json::JsonView;
use super::model::{MAX_LIMIT, MAX_OFFSET, SORT_FIELDS, SORT_ORDERS};
use super::request::{self, Request};
use super::text::{cat, const_cat, decimal, join};
use super::validate::{integer_in, member, number_text, one_of, options_object};
use upvest_api::{AccountGroupList, ListMeta, ListQuery as Q};

/// The page size iteration uses when the caller names none (the API's own default).
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// How many groups before the end of the previous page each page reads again: a list that moved
/// back by at most this many between two pages (groups ahead of the position closed or moved to
/// the end) loses none; one that moved further is found out and read again.
pub const OVERLAP: u32 = 10;

/// Forward pages in a row after which a list whose unread part never shrank is refused: it grows
/// as fast as it is read (which no ordinary writes do), or its pages keep sending the iteration
/// back.
const STALL_PAGES: u32 = 4; // Spelled out in its message (a test holds them together).

/// Walks every page of a list, one request at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct Pager {
    user_id: Option<String>,
    sort: Option<&'static str>,
    order: Option<&'static str>,
    page_size: u32,
    /// The next page's offset and limit.
    next_offset: u32,
    next_limit: u32,
    /// The furthest end of a page read forward so far: the groups before it were yielded.
    position: u32,
    /// The unread count (`total_count` less the position) after the last forward page, and how
    /// many forward pages in a row it did not shrink: the bound on a server that never ends,
    /// taken from what it showed.
    unread: f64,
    stalled: u32,
    finished: bool,
}

impl Pager {
    /// Checks an iteration query `{ sort?, order?, pageSize? }`, for all groups or for one user.
    pub fn new<V: JsonView>(user_id: Option<Option<V>>, query: Option<V>) -> Result<Pager, InvalidInput> {
        let user_id = match user_id {
            None => None,
            Some(id) => Some(super::validate::uuid_field("userId", id)?),
        };
        let query = options_object("query", query, &[Q::sort, Q::order, "pageSize"])?;
        let read = |name: &str| query.as_ref().and_then(|q| member(q, name));
        let page_size = read("pageSize").map(|v| integer_in("pageSize", &v, 1, MAX_LIMIT)).transpose()?.unwrap_or(DEFAULT_PAGE_SIZE);
        Ok(Pager {
            user_id,
            sort: read(Q::sort).map(|v| one_of(Q::sort, &v, SORT_FIELDS)).transpose()?,
            order: read(Q::order).map(|v| one_of(Q::order, &v, SORT_ORDERS)).transpose()?,
            page_size,
            next_offset: 0,
            next_limit: page_size,
            position: 0,
            unread: f64::INFINITY,
            stalled: 0,
            finished: false,
        })
    }

    /// The request for the next page, or `None` once every page was seen.
    pub fn next_request(&self) -> Option<Request> {
        if self.finished {
            return None;
        }
        let mut query = Vec::new();
        if let Some(sort) = self.sort {
            query.push(cat!(const_cat!(Q::sort, "="), sort));
        }
        if let Some(order) = self.order {
            query.push(cat!(const_cat!(Q::order, "="), order));
        }
        let (offset, limit) = (decimal(self.next_offset.into()), decimal(self.next_limit.into()));
        query.push(cat!(const_cat!(Q::offset, "="), offset, const_cat!("&", Q::limit, "="), limit));
        let path = match &self.user_id {
            Some(user) => cat!("/users/", user, "/account_groups"),
            None => "/account_groups".to_owned(),
        };
        Some(request::get_request(path, join(&query, "&")))
    }

    /// Takes in a page (already checked against the contract): its `meta.offset`, how many items
    /// its `data` holds, its `meta.total_count`, and how many of its groups were yielded before.
    /// Iteration ends at `total_count`; the error says why a page cannot be part of this
    /// iteration (it then ends too).
    pub fn advance(&mut self, offset: f64, received: u32, total_count: f64, seen: u32) -> Result<(), String> {
        let (asked, limit) = (self.next_offset, self.next_limit);
        let refuse = |this: &mut Pager, reason: String| {
            this.finished = true;
            Err(reason)
        };
        if offset != f64::from(asked) {
            let meta_offset_is = const_cat!(AccountGroupList::meta, ".", ListMeta::offset, " is ");
            return refuse(self, cat!(meta_offset_is, number_text(offset), " but the page asked for offset ", decimal(asked.into())));
        }
        let end = u64::from(asked) + u64::from(received);
        if received < limit && (end as f64) < total_count {
            return refuse(
                self,
                cat!(
                    "the page at offset ",
                    decimal(asked.into()),
                    " holds ",
                    decimal(received.into()),
                    " of ",
                    decimal(limit.into()),
                    const_cat!(" groups, but ", AccountGroupList::meta, ".", ListMeta::total_count, " is "),
                    number_text(total_count)
                ),
            );
        }
        if received == 0 || end as f64 >= total_count || end > u64::from(MAX_OFFSET) {
            self.finished = true;
            return Ok(());
        }
        let end = end as u32;
        if asked > 0 && asked < self.position && seen == 0 {
            // None of a page that began before the position was yielded before: the list moved
            // back past the overlap, and groups may have moved before this page. Read again
            // from a page earlier, overlapping this one's start.
            self.next_offset = asked.saturating_sub(self.page_size);
        } else {
            self.position = self.position.max(end);
            let unread = total_count - f64::from(self.position);
            self.stalled = if unread < self.unread { 0 } else { self.stalled + 1 };
            self.unread = unread;
            if self.stalled >= STALL_PAGES {
                return refuse(self, "the list did not shrink as it was read for 4 pages".to_owned());
            }
            self.next_offset = end - OVERLAP.min(end);
        }
        // The new groups of a page, and the end of the one before again.
        self.next_limit = (self.page_size + OVERLAP).min(MAX_LIMIT);
        Ok(())
    }

    /// Ends iteration (the caller broke out of its loop).
    pub fn finish(&mut self) {
        self.finished = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};
    use std::collections::HashSet;

    fn pager(query: Value) -> Pager {
        Pager::new::<&Value>(None, Some(&query)).unwrap()
    }

    /// The offset and limit of the next request.
    fn window(pager: &Pager) -> Option<(u32, u32)> {
        let request = pager.next_request()?;
        let number = |name: &str| request.query.split(name).nth(1)?.split('&').next()?.parse().ok();
        Some((number("offset=")?, number("limit=")?))
    }

    #[test]
    fn each_page_reads_the_end_of_the_previous_one_again() {
        let mut p = pager(json!({"pageSize": 20, "sort": "updated_at", "order": "DESC"}));
        assert_eq!(p.next_request().unwrap().url(""), "/account_groups?sort=updated_at&order=DESC&offset=0&limit=20");
        p.advance(0.0, 20, 50.0, 0).unwrap();
        assert_eq!(window(&p), Some((10, 30)), "from 10 before the end, 20 new");
        p.advance(10.0, 30, 50.0, 10).unwrap();
        assert_eq!(window(&p), Some((30, 30)));
        p.advance(30.0, 20, 50.0, 10).unwrap();
        assert_eq!(window(&p), None, "the end: offset + received reached total_count");
    }

    #[test]
    fn defaults_and_user_paths() {
        let pager = Pager::new(Some(Some(&json!("413715f2-5401-4b97-8055-034a6b879f8c"))), None).unwrap();
        assert_eq!(pager.next_request().unwrap().url(""), "/users/413715f2-5401-4b97-8055-034a6b879f8c/account_groups?offset=0&limit=100");
    }

    #[test]
    fn stops_on_an_empty_page_and_when_finished() {
        let mut p = pager(json!({}));
        assert_eq!(p.advance(0.0, 0, 10.0, 0), Err("the page at offset 0 holds 0 of 100 groups, but meta.total_count is 10".into()));
        assert!(p.next_request().is_none());
        let mut p = pager(json!({}));
        assert_eq!(p.advance(0.0, 0, 0.0, 0), Ok(()), "an empty list ends quietly");
        assert!(p.next_request().is_none());
        let mut p = pager(json!({}));
        p.finish();
        assert!(p.next_request().is_none());
    }

    #[test]
    fn the_client_owns_the_position() {
        // A server that answers `offset: 0, count: 1, total_count: 1e15` to every page.
        let mut p = pager(json!({"pageSize": 1}));
        assert_eq!(p.advance(0.0, 1, 1e15, 0), Ok(()));
        assert_eq!(window(&p), Some((0, 11)), "the first group again, and new ones");
        assert_eq!(
            p.advance(0.0, 1, 1e15, 1),
            Err("the page at offset 0 holds 1 of 11 groups, but meta.total_count is 1000000000000000".into())
        );
        assert!(p.next_request().is_none(), "a lying page ends the iteration");
        let mut p = pager(json!({"pageSize": 20}));
        p.advance(0.0, 20, 100.0, 0).unwrap();
        assert_eq!(p.advance(0.0, 30, 100.0, 20), Err("meta.offset is 0 but the page asked for offset 10".into()));
    }

    #[test]
    fn a_list_that_grows_as_fast_as_it_is_read_is_refused() {
        // Honest offsets and full pages of new groups, but a total that grows by a page each time.
        let mut p = pager(json!({"pageSize": 20}));
        let mut total = 40.0;
        let mut results = Vec::new();
        while let Some((offset, limit)) = window(&p) {
            results.push(p.advance(f64::from(offset), limit, total, limit - 20));
            total += 20.0;
        }
        assert_eq!(results.len(), STALL_PAGES as usize + 1);
        assert_eq!(results.last().unwrap(), &Err("the list did not shrink as it was read for 4 pages".into()));
    }

    #[test]
    fn a_server_that_never_repeats_a_group_is_bounded() {
        // Every page new ids, so every page looks like the list moved back: read again, from
        // offset 0 at the furthest, and refused once forward pages stop shrinking the unread part.
        let mut p = pager(json!({"pageSize": 20}));
        let mut pages = 0;
        while let Some((offset, limit)) = window(&p) {
            pages += 1;
            if p.advance(f64::from(offset), limit, 100.0, 0).is_err() {
                break;
            }
            assert!(pages < 100);
        }
        assert!(pages <= 3 * STALL_PAGES as usize, "{pages} pages");
    }

    #[test]
    fn rejects_bad_iteration_queries() {
        for (query, field) in [
            (json!({"pageSize": 0}), "pageSize"),
            (json!({"pageSize": 1001}), "pageSize"),
            (json!({"limit": 5}), "query"),
            (json!({"sort": "id"}), "sort"),
        ] {
            assert_eq!(Pager::new::<&Value>(None, Some(&query)).unwrap_err().field, field, "{query}");
        }
        assert_eq!(Pager::new(Some(Some(&json!("x"))), None).unwrap_err().field, "userId");
        assert_eq!(Pager::new::<&Value>(Some(None), None).unwrap_err().field, "userId");
    }

    /// A list of groups as the API sorts it, and the writes a nightly job meets.
    struct List {
        /// (id, created, updated), in no order.
        groups: Vec<(u32, u64, u64)>,
        clock: u64,
        by_updated: bool,
        descending: bool,
        random: u64,
    }

    impl List {
        fn new(count: u32, by_updated: bool, descending: bool, seed: u64) -> List {
            let groups = (0..count).map(|id| (id, u64::from(id), u64::from(id))).collect();
            List { groups, clock: u64::from(count), by_updated, descending, random: seed | 1 }
        }

        fn sorted(&self) -> Vec<u32> {
            let mut groups = self.groups.clone();
            groups.sort_by_key(|&(id, created, updated)| (if self.by_updated { updated } else { created }, id));
            if self.descending {
                groups.reverse();
            }
            groups.into_iter().map(|(id, ..)| id).collect()
        }

        fn next_random(&mut self) -> u64 {
            self.random ^= self.random << 13;
            self.random ^= self.random >> 7;
            self.random ^= self.random << 17;
            self.random
        }

        /// A create (a new id, now) or a close (a group's updated_at becomes now).
        fn write(&mut self, create: bool) -> Option<u32> {
            self.clock += 1;
            if create {
                let id = self.groups.len() as u32;
                self.groups.push((id, self.clock, self.clock));
                return None;
            }
            let at = (self.next_random() % self.groups.len() as u64) as usize;
            self.groups[at].2 = self.clock;
            Some(self.groups[at].0)
        }
    }

    /// Iterates `list` as the glue does (dropping groups already yielded), with `creates` and
    /// `closes` made after every ten groups yielded; the ids yielded, or the error.
    fn iterate(list: &mut List, page_size: u32, creates: u32, closes: u32) -> (Vec<u32>, HashSet<u32>, Result<(), String>) {
        let mut p = pager(json!({"pageSize": page_size}));
        let (mut yielded, mut seen, mut moved) = (Vec::new(), HashSet::new(), HashSet::new());
        while let Some((offset, limit)) = window(&p) {
            let view = list.sorted();
            let page: Vec<u32> = view.iter().skip(offset as usize).take(limit as usize).copied().collect();
            let repeats = page.iter().filter(|id| seen.contains(*id)).count() as u32;
            if let Err(e) = p.advance(f64::from(offset), page.len() as u32, view.len() as f64, repeats) {
                return (yielded, moved, Err(e));
            }
            for id in page {
                if seen.insert(id) {
                    yielded.push(id);
                    if yielded.len() % 10 == 0 {
                        for _ in 0..creates {
                            list.write(true);
                        }
                        moved.extend((0..closes).filter_map(|_| list.write(false)));
                    }
                }
            }
        }
        (yielded, moved, Ok(()))
    }

    #[test]
    fn writes_during_iteration_lose_no_stable_group_and_repeat_none() {
        // The case: 120 groups, pages of 20, six creates and two closes after every ten
        // groups; and harsher ones. Stable: there from the start, and never closed (for
        // updated_at, a close moves a group to the end of the list).
        for seed in 1..=40 {
            for (by_updated, descending) in [(false, false), (false, true), (true, false), (true, true)] {
                for (count, page_size, creates, closes) in [(120, 20, 6, 2), (300, 7, 3, 5), (50, 100, 10, 10), (200, 1, 1, 1)] {
                    let mut list = List::new(count, by_updated, descending, seed);
                    let (yielded, moved, result) = iterate(&mut list, page_size, creates, closes);
                    let case = format!("seed {seed}, by_updated {by_updated}, descending {descending}, {count} groups, pages of {page_size}, {creates}+{closes}");
                    assert_eq!(result, Ok(()), "{case}");
                    assert_eq!(yielded.iter().collect::<HashSet<_>>().len(), yielded.len(), "no group twice: {case}");
                    let stable = (0..count).filter(|id| !(by_updated && moved.contains(id)));
                    let yielded: HashSet<u32> = yielded.into_iter().collect();
                    for id in stable {
                        assert!(yielded.contains(&id), "group {id} was not yielded: {case}");
                    }
                }
            }
        }
    }
}
