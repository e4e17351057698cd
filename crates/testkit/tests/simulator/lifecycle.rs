//! Disconnects, delays, connections and shutdown.

use std::time::Duration;

use futures_util::StreamExt as _;
use oac_testkit::{Fault, Reply, Simulator};

use crate::support::{chat_body, client, post_chat};

fn slow_stream() -> Reply {
    Reply::text("a long answer that keeps coming")
        .text_chunk_chars(1)
        .delay(Duration::from_millis(10))
}

#[tokio::test]
async fn dropping_a_stream_mid_way_is_seen_as_a_disconnect() {
    let sim = Simulator::start().await;
    sim.push(slow_stream());
    let response = post_chat(&sim, &chat_body(true)).await;
    let mut body = response.bytes_stream();
    body.next().await.unwrap().unwrap();
    assert_eq!(sim.active_streams(), 1);
    drop(body);
    assert!(sim.wait_for_disconnects(1, Duration::from_secs(2)).await);
    assert_eq!(sim.disconnects(), 1);
    assert_eq!(sim.active_streams(), 0);
}

#[tokio::test]
async fn dropping_a_stalled_stream_is_seen_as_a_disconnect() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("x").with_fault(Fault::Stall(Duration::from_secs(60))));
    let response = post_chat(&sim, &chat_body(true)).await;
    let mut body = response.bytes_stream();
    body.next().await.unwrap().unwrap();
    drop(body);
    assert!(sim.wait_for_disconnects(1, Duration::from_secs(2)).await);
}

#[tokio::test]
async fn a_complete_response_is_not_a_disconnect() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("done").delay(Duration::from_millis(1)));
    post_chat(&sim, &chat_body(true))
        .await
        .text()
        .await
        .unwrap();
    post_chat(&sim, &chat_body(false))
        .await
        .text()
        .await
        .unwrap();
    assert!(!sim.wait_for_disconnects(1, Duration::from_millis(50)).await);
    assert_eq!(sim.active_streams(), 0);
}

#[tokio::test]
async fn first_byte_delay_holds_the_headers() {
    let sim = Simulator::builder()
        .first_byte_delay(Duration::from_millis(60))
        .start()
        .await;
    let started = std::time::Instant::now();
    assert_eq!(post_chat(&sim, &chat_body(false)).await.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(60));
}

#[tokio::test]
async fn a_client_that_gives_up_during_the_first_byte_delay_is_a_disconnect() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("late").first_byte_delay(Duration::from_secs(30)));
    let url = format!("{}/chat/completions", sim.base_url());
    let request =
        tokio::spawn(async move { client().post(url).json(&chat_body(false)).send().await });
    assert!(sim.wait_for_requests(1, Duration::from_secs(2)).await);
    request.abort();
    assert!(sim.wait_for_disconnects(1, Duration::from_secs(2)).await);
    assert_eq!(sim.active_streams(), 0);
}

#[tokio::test]
async fn reply_first_byte_delay_overrides_the_simulator_one() {
    let sim = Simulator::builder()
        .first_byte_delay(Duration::from_secs(30))
        .start()
        .await;
    sim.push(Reply::text("now").first_byte_delay(Duration::ZERO));
    assert_eq!(post_chat(&sim, &chat_body(false)).await.status(), 200);
}

#[tokio::test]
async fn connections_are_reused_by_a_pooling_client() {
    let sim = Simulator::start().await;
    let client = client();
    for stream in [false, true, false] {
        client
            .post(format!("{}/chat/completions", sim.base_url()))
            .json(&chat_body(stream))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
    }
    assert_eq!(sim.connection_count(), 1);
}

#[tokio::test]
async fn shutdown_cuts_open_streams_and_frees_the_port() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("x").with_fault(Fault::Stall(Duration::from_secs(60))));
    let addr = sim.addr();
    let response = post_chat(&sim, &chat_body(true)).await;
    let mut body = response.bytes_stream();
    body.next().await.unwrap().unwrap();
    tokio::time::timeout(Duration::from_secs(2), sim.shutdown())
        .await
        .unwrap();
    // The open stream ends with an error, not silently.
    let mut ended_with_error = false;
    while let Some(item) = body.next().await {
        ended_with_error |= item.is_err();
    }
    assert!(ended_with_error);
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_simulator_leaves_no_task_behind() {
    let metrics = tokio::runtime::Handle::current().metrics();
    let before = metrics.num_alive_tasks();
    let sim = Simulator::start().await;
    sim.push(Reply::text("x").with_fault(Fault::Stall(Duration::from_secs(60))));
    let response = post_chat(&sim, &chat_body(true)).await;
    let mut body = response.bytes_stream();
    body.next().await.unwrap().unwrap();
    let addr = sim.addr();
    drop(sim);
    // Tasks end moments after the drop; poll in small steps.
    let mut alive = usize::MAX;
    for _ in 0..100 {
        alive = metrics.num_alive_tasks();
        if alive <= before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        alive <= before,
        "{alive} tasks alive, {before} before the simulator"
    );
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    drop(body);
}

#[tokio::test]
async fn a_busy_port_is_a_typed_error_that_says_what_to_do() {
    let sim = Simulator::start().await;
    let port = sim.addr().port();
    let error = Simulator::builder()
        .port(port)
        .try_start()
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        oac_testkit::SimulatorError::BindLoopback { .. }
    ));
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("could not listen on 127.0.0.1:{port}: ")),
        "{message}"
    );
    assert!(
        message.ends_with("; pick another port, or port 0 for any free one"),
        "{message}"
    );
    assert!(std::error::Error::source(&error).is_some());
}
