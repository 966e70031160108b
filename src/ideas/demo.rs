//! Demo content: a board in an open demo round with ideas in every state.
