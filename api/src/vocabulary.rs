//! The API's enums: each value spelled once, here.

api_enum! {
    /// Account group types created for a user.
    closed UserAccountGroupType, exported as USER_ACCOUNT_GROUP_TYPES {
        /// A person holding assets in their own name.
        Personal = "PERSONAL",
        /// A legal entity holding assets for its users.
        LegalEntity = "LEGAL_ENTITY",
        /// French resident, Plan d'Epargne en Actions (one per user).
        FrenchPea = "FRENCH_PEA",
        /// UK resident, Individual Savings Account.
        Isa = "ISA",
        /// A child's account (with CHILD and GUARDIAN users).
        Child = "CHILD",
    }
}

api_enum! {
    /// The account group type created for a business.
    closed BusinessAccountGroupType, exported as BUSINESS_ACCOUNT_GROUP_TYPES {
        Business = "BUSINESS",
    }
}

api_enum! {
    /// Account group statuses (open: the API adds values).
    open AccountGroupStatus, exported as ACCOUNT_GROUP_STATUSES {
        /// Visible but cannot be acted on yet.
        PendingApproval = "PENDING_APPROVAL",
        /// Fully usable (Bring Your Own License setups go straight here).
        Active = "ACTIVE",
        /// Closure requested, prerequisites pending.
        Closing = "CLOSING",
        /// Closed.
        Closed = "CLOSED",
        /// Locked for all actions.
        Locked = "LOCKED",
    }
}

api_enum! {
    /// How a user relates to a group (open: the API adds values).
    open AccountGroupUserRelation, exported as ACCOUNT_GROUP_USER_RELATIONS {
        Owner = "OWNER",
        /// The child of a child account group.
        Child = "CHILD",
        /// The guardian of a child account group.
        Guardian = "GUARDIAN",
    }
}

api_enum! {
    /// Fields a list can be sorted by.
    closed SortField, exported as SORT_FIELDS {
        CreatedAt = "created_at",
        UpdatedAt = "updated_at",
    }
}

api_enum! {
    /// Sort orders.
    closed SortOrder, exported as SORT_ORDERS {
        Asc = "ASC",
        Desc = "DESC",
    }
}

api_enum! {
    /// Reasons a closure may record.
    closed ClosureReason, exported as CLOSURE_REASONS {
        Dunning = "dunning",
        PowerOfAttorney = "power_of_attorney",
        LossOfLegalCapacity = "loss_of_legal_capacity",
        Aml = "aml",
        RiskBased = "risk_based",
        ContractBreach = "contract_breach",
        UserInitiated = "user_initiated",
    }
}

api_enum! {
    /// Account-group webhook event types (a receiver keeps later ones as they come).
    closed AccountGroupEventType, exported as ACCOUNT_GROUP_EVENT_TYPES {
        Created = "ACCOUNT_GROUP.CREATED",
        Activated = "ACCOUNT_GROUP.ACTIVATED",
        ClosingInitiated = "ACCOUNT_GROUP.CLOSING_INITIATED",
        Closed = "ACCOUNT_GROUP.CLOSED",
        Locked = "ACCOUNT_GROUP.LOCKED",
    }
}

impl UserAccountGroupType {
    /// How the one user a group is created for relates to it.
    pub fn creator_relation(self) -> AccountGroupUserRelation {
        match self {
            UserAccountGroupType::Child => AccountGroupUserRelation::Child,
            _ => AccountGroupUserRelation::Owner,
        }
    }
}

impl AccountGroupEventType {
    /// The category every account-group event type starts with; a test holds the types above to it.
    pub const CATEGORY_PREFIX: &'static str = "ACCOUNT_GROUP.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_account_group_event_type_is_of_the_category() {
        assert!(AccountGroupEventType::NAMES
            .iter()
            .all(|name| name.strip_prefix(AccountGroupEventType::CATEGORY_PREFIX).is_some_and(|action| !action.contains('.'))));
    }

    #[test]
    fn open_enums_keep_unlisted_values_and_closed_ones_refuse_them() {
        assert_eq!(AccountGroupStatus::parse("ACTIVE"), AccountGroupStatus::Active);
        assert_eq!(AccountGroupStatus::parse("ARCHIVED").as_str(), "ARCHIVED");
        assert_eq!(UserAccountGroupType::parse("ISA"), Some(UserAccountGroupType::Isa));
        assert_eq!(UserAccountGroupType::parse("isa"), None);
        assert_eq!(UserAccountGroupType::Child.creator_relation(), AccountGroupUserRelation::Child);
        assert_eq!(UserAccountGroupType::Isa.creator_relation(), AccountGroupUserRelation::Owner);
    }
}
