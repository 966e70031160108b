//! Demo survey for `teilhabe demo`.
