fn main() {
    println!("provider Error {}", std::mem::size_of::<oac::ProviderError>());
    println!("oac Error {}", std::mem::size_of::<oac::Error>());
    println!("StreamEvent {}", std::mem::size_of::<oac::StreamEvent>());
    println!("Result<StreamEvent, provider Error> {}", std::mem::size_of::<Result<oac::StreamEvent, oac::ProviderError>>());
    println!("Result<StreamEvent, oac Error> {}", std::mem::size_of::<Result<oac::StreamEvent, oac::Error>>());
}
