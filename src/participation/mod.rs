//! Read models across slices: the pages that show what several participation formats add up to
//! (a round with its surveys, idea boards and workshops; a strategy's goals with the
//! participation that fed them). It sits above rounds, strategy and the formats, calls down into
//! their public functions, and no slice imports it.

pub mod counts;
pub mod goal_page;
pub mod round_page;
pub mod strategy_page;
