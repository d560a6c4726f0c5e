//! careful's one integration-test binary: the real `careful` binary and the real store, on real
//! SQLite and PostgreSQL, and pages in real headless Chromium.

mod support;

mod access;
mod audit;
mod backup;
mod benchmarks;
mod browser;
mod cin;
mod cli;
mod crash;
mod duties;
mod faults;
mod forecast;
mod generate;
mod insight;
mod practice;
mod returns;
mod search;
mod security;
mod store;
mod web;
