//! Paging policy for iteration: which page to ask for next, and when to stop. The client, not the
//! server, owns the position: the next offset is the one asked for plus the items received, a
//! page that claims another offset or makes no progress is refused, and the number of pages is
//! bounded by the first `total_count` seen, so a lying server cannot loop an iteration forever or
//! make it yield a position twice.

use super::error::InvalidInput;
use super::json::JsonView;
use super::model::{MAX_LIMIT, MAX_OFFSET, SORT_FIELDS, SORT_ORDERS};
use super::request::{self, Request};
use super::text::{cat, decimal};
use super::validate::{integer_in, member, number_text, one_of, options_object};

/// The page size iteration uses when the caller names none (the API's own default).
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// Walks every page of a list, one request at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    user_id: Option<String>,
    sort: Option<&'static str>,
    order: Option<&'static str>,
    page_size: u32,
    next_offset: u32,
    /// Pages taken in so far, and the most there may be (set by the first page's `total_count`).
    pages: u32,
    max_pages: Option<u32>,
    finished: bool,
}

impl Pager {
    /// Checks an iteration query `{ sort?, order?, pageSize? }`, for all groups or for one user.
    pub fn new<V: JsonView>(user_id: Option<Option<V>>, query: Option<V>) -> Result<Pager, InvalidInput> {
        let user_id = match user_id {
            None => None,
            Some(id) => Some(super::validate::uuid_field("userId", id)?),
        };
        let query = options_object("query", query, &["sort", "order", "pageSize"])?;
        let read = |name: &str| query.as_ref().and_then(|q| member(q, name));
        Ok(Pager {
            user_id,
            sort: read("sort").map(|v| one_of("sort", &v, SORT_FIELDS)).transpose()?,
            order: read("order").map(|v| one_of("order", &v, SORT_ORDERS)).transpose()?,
            page_size: read("pageSize").map(|v| integer_in("pageSize", &v, 1, MAX_LIMIT)).transpose()?.unwrap_or(DEFAULT_PAGE_SIZE),
            next_offset: 0,
            pages: 0,
            max_pages: None,
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
            query.push(cat!("sort=", sort));
        }
        if let Some(order) = self.order {
            query.push(cat!("order=", order));
        }
        query.push(cat!("offset=", decimal(self.next_offset.into()), "&limit=", decimal(self.page_size.into())));
        let path = match &self.user_id {
            Some(user) => cat!("/users/", user, "/account_groups"),
            None => "/account_groups".to_owned(),
        };
        Some(request::get_request(path, query.join("&")))
    }

    /// Takes in a page (already checked against the contract): its `meta.offset`, how many items
    /// its `data` holds, and its `meta.total_count`. Iteration ends at `total_count`; the error
    /// says why a page cannot be part of this iteration (it then ends too).
    pub fn advance(&mut self, offset: f64, received: usize, total_count: f64) -> Result<(), String> {
        let asked = self.next_offset;
        let refuse = |this: &mut Pager, reason: String| {
            this.finished = true;
            Err(reason)
        };
        if offset != f64::from(asked) {
            return refuse(self, cat!("meta.offset is ", number_text(offset), " but the page asked for offset ", decimal(asked.into())));
        }
        self.pages += 1;
        // At most the pages the first total_count needs, and one more for groups added meanwhile.
        let max_pages = *self.max_pages.get_or_insert_with(|| (total_count / f64::from(self.page_size)).ceil().min(f64::from(u32::MAX - 1)) as u32 + 1);
        if received == 0 {
            self.finished = true;
            if f64::from(asked) < total_count {
                return refuse(self, cat!("the page at offset ", decimal(asked.into()), " is empty, but meta.total_count is ", number_text(total_count)));
            }
            return Ok(());
        }
        let next = u64::from(asked) + received as u64;
        self.next_offset = next.min(u64::from(u32::MAX)) as u32;
        self.finished = next as f64 >= total_count || next > u64::from(MAX_OFFSET);
        if !self.finished && self.pages >= max_pages {
            return refuse(self, cat!("the list did not end within ", decimal(max_pages.into()), " pages, as its first meta.total_count promised"));
        }
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

    #[test]
    fn walks_pages_until_total_count() {
        let mut pager = Pager::new::<&Value>(None, Some(&json!({"pageSize": 2, "sort": "updated_at", "order": "DESC"}))).unwrap();
        let urls: Vec<String> = std::iter::from_fn(|| {
            let request = pager.next_request()?;
            let offset = request.query.split("offset=").nth(1)?.split('&').next()?.parse::<f64>().ok()?;
            pager.advance(offset, (5.0 - offset).min(2.0) as usize, 5.0).unwrap();
            Some(request.url(""))
        })
        .collect();
        assert_eq!(
            urls,
            [
                "/account_groups?sort=updated_at&order=DESC&offset=0&limit=2",
                "/account_groups?sort=updated_at&order=DESC&offset=2&limit=2",
                "/account_groups?sort=updated_at&order=DESC&offset=4&limit=2",
            ]
        );
    }

    #[test]
    fn defaults_and_user_paths() {
        let pager = Pager::new(Some(Some(&json!("413715f2-5401-4b97-8055-034a6b879f8c"))), None).unwrap();
        assert_eq!(pager.next_request().unwrap().url(""), "/users/413715f2-5401-4b97-8055-034a6b879f8c/account_groups?offset=0&limit=100");
    }

    #[test]
    fn stops_on_an_empty_page_and_when_finished() {
        let mut pager = Pager::new::<&Value>(None, None).unwrap();
        assert_eq!(pager.advance(0.0, 0, 10.0), Err("the page at offset 0 is empty, but meta.total_count is 10".into()));
        assert!(pager.next_request().is_none());
        let mut pager = Pager::new::<&Value>(None, None).unwrap();
        assert_eq!(pager.advance(0.0, 0, 0.0), Ok(()), "an empty list ends quietly");
        assert!(pager.next_request().is_none());
        let mut pager = Pager::new::<&Value>(None, None).unwrap();
        pager.finish();
        assert!(pager.next_request().is_none());
    }

    fn offset_of(pager: &Pager) -> Option<u32> {
        pager.next_request()?.query.split("offset=").nth(1)?.split('&').next()?.parse().ok()
    }

    #[test]
    fn the_client_owns_the_position() {
        // A server that answers `offset: 0, count: 1, total_count: 1e15` to every page.
        let mut pager = Pager::new::<&Value>(None, Some(&json!({"pageSize": 1}))).unwrap();
        assert_eq!(pager.advance(0.0, 1, 1e15), Ok(()));
        assert_eq!(offset_of(&pager), Some(1), "the next offset is the one asked for plus the items received");
        assert_eq!(pager.advance(0.0, 1, 1e15), Err("meta.offset is 0 but the page asked for offset 1".into()));
        assert!(pager.next_request().is_none(), "a lying page ends the iteration");
        // An offset that goes backwards.
        let mut pager = Pager::new::<&Value>(None, Some(&json!({"pageSize": 2}))).unwrap();
        pager.advance(0.0, 2, 10.0).unwrap();
        assert!(pager.advance(1.0, 2, 10.0).is_err());
    }

    #[test]
    fn pages_are_bounded_by_the_first_total_count() {
        // Honest offsets, but a total that keeps growing: ceil(4 / 2) + 1 = 3 pages at most.
        let mut pager = Pager::new::<&Value>(None, Some(&json!({"pageSize": 2}))).unwrap();
        let mut total = 4.0;
        let mut results = Vec::new();
        while let Some(offset) = offset_of(&pager) {
            results.push(pager.advance(f64::from(offset), 2, total));
            total += 2.0;
        }
        assert_eq!(results.len(), 3);
        assert!(results[..2].iter().all(Result::is_ok));
        assert_eq!(results[2], Err("the list did not end within 3 pages, as its first meta.total_count promised".into()));
    }

    #[test]
    fn rejects_bad_iteration_queries() {
        for (query, field) in [(json!({"pageSize": 0}), "pageSize"), (json!({"pageSize": 1001}), "pageSize"), (json!({"limit": 5}), "query"), (json!({"sort": "id"}), "sort")] {
            assert_eq!(Pager::new::<&Value>(None, Some(&query)).unwrap_err().field, field, "{query}");
        }
        assert_eq!(Pager::new(Some(Some(&json!("x"))), None).unwrap_err().field, "userId");
        assert_eq!(Pager::new::<&Value>(Some(None), None).unwrap_err().field, "userId");
    }
}
