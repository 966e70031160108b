//! Demo workshops for `teilhabe demo`.
