//! Ask about an image: an http(s) URL, or a local file sent inline.
//!
//! ```sh
//! export OPENAI_BASE_URL=… OPENAI_API_KEY=… OPENAI_MODEL=gpt-4o-mini   # a model that sees images
//! cargo run -p oac --example images -- photo.jpg "What is in this picture?"
//! cargo run -p oac --example images -- https://upload.wikimedia.org/wikipedia/commons/4/47/PNG_transparency_demonstration_1.png
//! ```
//!
//! A model whose info says `supports_images = false` refuses the request before it
//! is sent, with an error that says so.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::Path;
use std::process::ExitCode;

use oac::{Client, ContentPart};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(image) = args.next() else {
        eprintln!("usage: images IMAGE_FILE_OR_URL [QUESTION]");
        return ExitCode::from(2);
    };
    let question = args.collect::<Vec<_>>().join(" ");
    let question = if question.is_empty() {
        "Describe this image in one sentence.".to_owned()
    } else {
        question
    };

    let part = if image.starts_with("http://") || image.starts_with("https://") {
        ContentPart::image_url(image)
    } else {
        let mime = match Path::new(&image).extension().and_then(|e| e.to_str()) {
            Some("png") => "image/png",
            Some("jpg" | "jpeg") => "image/jpeg",
            Some("gif") => "image/gif",
            Some("webp") => "image/webp",
            _ => {
                eprintln!("{image}: use a .png, .jpg, .gif or .webp file");
                return ExitCode::from(2);
            }
        };
        match std::fs::read(&image) {
            Ok(bytes) => ContentPart::image_bytes(mime, bytes),
            Err(error) => {
                eprintln!("cannot read {image}: {error}");
                return ExitCode::from(2);
            }
        }
    };

    let client = match Client::from_env() {
        Ok(client) => client,
        Err(error) => {
            eprintln!(
                "{error}\n\nSet OPENAI_BASE_URL, OPENAI_API_KEY and OPENAI_MODEL (a model that accepts images)."
            );
            return ExitCode::from(2);
        }
    };
    match client
        .chat()
        .user(vec![ContentPart::text(question), part])
        .text()
        .await
    {
        Ok(answer) => {
            println!("{answer}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
