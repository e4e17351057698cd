//! One client process of `cargo xtask bench` with the floor client, in a binary that
//! links nothing else (see `oac_bench::client`).

fn main() {
    oac_bench::client::main::<oac_bench::floor::FloorClient>();
}
