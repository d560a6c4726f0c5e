//! The duties, one module per area of the rule catalogue.

pub(crate) mod adoption;
pub(crate) mod advocacy;
pub(crate) mod care_leavers;
pub(crate) mod child_in_need;
pub(crate) mod child_protection;
pub(crate) mod complaints;
pub(crate) mod court;
pub(crate) mod education;
pub(crate) mod front_door;
pub(crate) mod health;
pub(crate) mod missing;
pub(crate) mod placements;
pub(crate) mod reviews;
pub(crate) mod visits;
pub(crate) mod workforce;

#[cfg(test)]
pub(crate) mod tests;
