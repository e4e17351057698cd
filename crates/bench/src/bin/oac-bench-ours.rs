//! One client process of `cargo xtask bench` with the ours client, in a binary that
//! links nothing else (see `oac_bench::client`).

fn main() {
    oac_bench::client::main::<oac::Client>();
}
