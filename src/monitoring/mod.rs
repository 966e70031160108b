//! Monitoring: the municipality's areas (Sozialräume), the indicators its strategy is steered by
//! (defined for the whole instance or its own), which goal adopted which indicator with its
//! baseline and target, and the values per indicator, area and period, entered and corrected by
//! its coordinators. Values over too few cases or too few inhabitants are marked for staff: they
//! must never be published. Indicators whose data is overdue are listed on the staff start page.

pub mod adoption;
pub mod areas;
pub mod demo;
pub mod indicators;
pub mod model;
pub mod overdue;
pub mod overview;
pub mod values;
