//! Paging policy for iteration: which page to ask for next, and when to stop.

use super::error::InvalidInput;
use super::json::JsonView;
use super::model::{MAX_LIMIT, SORT_FIELDS, SORT_ORDERS};
use super::request::{self, Request};
use super::validate::{integer_in, member, one_of, options_object};

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
    finished: bool,
}

impl Pager {
    /// Checks an iteration query `{ sort?, order?, pageSize? }`, for all groups or for one user.
    pub fn new<V: JsonView>(user_id: Option<Option<V>>, query: Option<V>) -> Result<Pager, InvalidInput> {
        let user_id = match user_id {
            None => None,
            Some(id) => Some(super::validate::uuid_field("userId", id)?.hyphenated().to_string()),
        };
        let query = options_object("query", query, &["sort", "order", "pageSize"])?;
        let read = |name: &str| query.as_ref().and_then(|q| member(q, name));
        Ok(Pager {
            user_id,
            sort: read("sort").map(|v| one_of("sort", &v, SORT_FIELDS)).transpose()?,
            order: read("order").map(|v| one_of("order", &v, SORT_ORDERS)).transpose()?,
            page_size: read("pageSize").map(|v| integer_in("pageSize", &v, 1, MAX_LIMIT)).transpose()?.unwrap_or(DEFAULT_PAGE_SIZE),
            next_offset: 0,
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
            query.push(format!("sort={sort}"));
        }
        if let Some(order) = self.order {
            query.push(format!("order={order}"));
        }
        query.push(format!("offset={}&limit={}", self.next_offset, self.page_size));
        let path = match &self.user_id {
            Some(user) => format!("/users/{user}/account_groups"),
            None => "/account_groups".to_owned(),
        };
        Some(request::get_request(path, query.join("&")))
    }

    /// Takes in a page's `meta.offset`, `meta.count` and `meta.total_count`. Iteration ends at
    /// `total_count`, and also on an empty page, so that a server whose count never arrives cannot
    /// keep it going forever.
    pub fn advance(&mut self, offset: f64, count: f64, total_count: f64) {
        let next = offset + count;
        self.finished = count <= 0.0 || next >= total_count || next > f64::from(super::model::MAX_OFFSET);
        self.next_offset = next as u32;
    }

    /// Takes in a page (already checked against the contract) by its `meta`.
    pub fn advance_past<V: JsonView>(&mut self, page: &V) {
        let counter = |name: &str| page.field("meta").and_then(|m| m.field(name)).and_then(|v| v.number()).unwrap_or(0.0);
        self.advance(counter("offset"), counter("count"), counter("total_count"));
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
            pager.advance(offset, (5.0 - offset).min(2.0), 5.0);
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
        pager.advance(0.0, 0.0, 10.0);
        assert!(pager.next_request().is_none());
        let mut pager = Pager::new::<&Value>(None, None).unwrap();
        pager.finish();
        assert!(pager.next_request().is_none());
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
