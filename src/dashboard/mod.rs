//! The staff start page `/manage`: for each person, for their roles and municipalities, what
//! needs them now; and the moderators' queue, whose tabs count moderation items and survey free
//! texts. A read model ABOVE the slices it reads (moderation, surveys, rounds, monitoring,
//! workshops, notifications, legal): it calls their public service functions or reads their
//! entities, and no slice imports it.

pub mod moderation_queue;
pub mod start;
pub mod work;
