//! Splitting `<think>…</think>` at the start of the content into reasoning.
//!
//! Models served through generic OpenAI-compatible servers (DeepSeek-R1 distills,
//! QwQ, Qwen3 on vLLM, Ollama or LM Studio) put their reasoning in the content,
//! wrapped in `<think>` tags. The tags may be split across stream chunks, and
//! whitespace may precede the opening tag. Only a block at the very start of the
//! content counts, so a literal `<think>` later in an answer stays text. The
//! whitespace separating the closing tag from the answer is dropped.

const OPEN: &str = "<think>";
const CLOSE: &str = "</think>";

/// A piece of content after splitting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    /// Answer text.
    Text(String),
    /// Reasoning from inside the tags.
    Reasoning(String),
}

#[derive(Debug)]
enum State {
    /// Before any non-whitespace content: buffering a possible opening tag.
    Start,
    /// Inside the block: `buf` holds a possible partial closing tag.
    Thinking,
    /// Just after the closing tag: whitespace is dropped.
    AfterThink,
    /// Plain text from here on.
    Text,
}

/// Incremental splitter; feed content deltas with [`push`](Self::push), then
/// [`finish`](Self::finish).
#[derive(Debug)]
pub(crate) struct ThinkSplitter {
    state: State,
    buf: String,
}

impl Default for ThinkSplitter {
    fn default() -> Self {
        ThinkSplitter {
            state: State::Start,
            buf: String::new(),
        }
    }
}

impl ThinkSplitter {
    /// True once past the start: from here on every delta is plain text.
    pub(crate) fn is_plain_text(&self) -> bool {
        matches!(self.state, State::Text)
    }

    /// Split one content delta, appending pieces to `out`. Once past the start
    /// (plain text from there on), the delta itself is handed on, not copied.
    pub(crate) fn push(&mut self, delta: String, out: &mut Vec<Piece>) {
        match self.state {
            State::Text => {
                if !delta.is_empty() {
                    out.push(Piece::Text(delta));
                }
            }
            State::Start => {
                self.buf.push_str(&delta);
                let trimmed = self.buf.trim_start();
                if let Some(after) = trimmed.strip_prefix(OPEN) {
                    let after = after.to_owned();
                    self.buf.clear();
                    self.state = State::Thinking;
                    self.thinking(&after, out);
                } else if !OPEN.starts_with(trimmed) {
                    self.state = State::Text;
                    out.push(Piece::Text(std::mem::take(&mut self.buf)));
                }
                // else: could still become the opening tag; keep buffering.
            }
            State::Thinking => self.thinking(&delta, out),
            State::AfterThink => self.after_think(&delta, out),
        }
    }

    /// Inside the block, then past the closing tag when it arrives.
    fn thinking(&mut self, delta: &str, out: &mut Vec<Piece>) {
        self.push_thinking(delta, out);
        if matches!(self.state, State::AfterThink) {
            let leftover = std::mem::take(&mut self.buf);
            self.after_think(&leftover, out);
        }
    }

    fn after_think(&mut self, text: &str, out: &mut Vec<Piece>) {
        let trimmed = text.trim_start();
        if !trimmed.is_empty() {
            self.state = State::Text;
            out.push(Piece::Text(trimmed.to_owned()));
        }
    }

    /// Inside the block; on the closing tag, switch to `AfterThink` and leave what
    /// follows the tag in `buf`.
    fn push_thinking(&mut self, delta: &str, out: &mut Vec<Piece>) {
        self.buf.push_str(delta);
        if let Some(at) = self.buf.find(CLOSE) {
            if at > 0 {
                out.push(Piece::Reasoning(self.buf[..at].to_owned()));
            }
            let after = self.buf[at + CLOSE.len()..].to_owned();
            self.buf = after;
            self.state = State::AfterThink;
            return;
        }
        // Hold back a tail that may be the start of the closing tag.
        let hold = partial_suffix_len(&self.buf, CLOSE);
        let emit = self.buf.len() - hold;
        if emit > 0 {
            out.push(Piece::Reasoning(self.buf[..emit].to_owned()));
            self.buf.drain(..emit);
        }
    }

    /// The input ended: release whatever is held back.
    pub(crate) fn finish(&mut self, out: &mut Vec<Piece>) {
        let held = std::mem::take(&mut self.buf);
        match self.state {
            State::Start => {
                if !held.is_empty() {
                    out.push(Piece::Text(held));
                }
            }
            // An unterminated block is still reasoning.
            State::Thinking => {
                if !held.is_empty() {
                    out.push(Piece::Reasoning(held));
                }
            }
            State::AfterThink | State::Text => {}
        }
        self.state = State::Text;
    }
}

/// Length of the longest proper suffix of `text` that is a prefix of `tag`,
/// always on a char boundary (tags are ASCII).
fn partial_suffix_len(text: &str, tag: &str) -> usize {
    let max = (tag.len() - 1).min(text.len());
    (1..=max)
        .rev()
        .find(|&n| {
            text.is_char_boundary(text.len() - n) && tag.starts_with(&text[text.len() - n..])
        })
        .unwrap_or(0)
}

/// Split a complete content string (non-streaming responses).
pub(crate) fn split_complete(content: &str) -> (String, String) {
    split_chunks(&[content])
}

/// Split content that arrived in `chunks`, all of it: (text, reasoning).
fn split_chunks(chunks: &[&str]) -> (String, String) {
    let mut splitter = ThinkSplitter::default();
    let mut pieces = Vec::new();
    for chunk in chunks {
        splitter.push((*chunk).to_owned(), &mut pieces);
    }
    splitter.finish(&mut pieces);
    let mut text = String::new();
    let mut reasoning = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(t) => text.push_str(&t),
            Piece::Reasoning(r) => reasoning.push_str(&r),
        }
    }
    (text, reasoning)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn think_block_at_start_becomes_reasoning() {
        assert_eq!(
            split_chunks(&["<think>hmm</think>Answer"]),
            ("Answer".into(), "hmm".into())
        );
    }

    #[test]
    fn tags_split_across_chunks() {
        assert_eq!(
            split_chunks(&["<th", "ink>hm", "m</thi", "nk>\n\nAns", "wer"]),
            ("Answer".into(), "hmm".into())
        );
    }

    #[test]
    fn every_split_position_gives_the_same_result() {
        let input = "  \n<think>a < b </think not yet</think>\n\nThe <think> answer";
        for i in 0..=input.len() {
            for j in i..=input.len() {
                if !(input.is_char_boundary(i) && input.is_char_boundary(j)) {
                    continue;
                }
                assert_eq!(
                    split_chunks(&[&input[..i], &input[i..j], &input[j..]]),
                    ("The <think> answer".into(), "a < b </think not yet".into()),
                    "split at {i}, {j}"
                );
            }
        }
    }

    #[test]
    fn leading_whitespace_before_the_tag_is_allowed() {
        assert_eq!(
            split_chunks(&["\n  ", "<think>r</think>t"]),
            ("t".into(), "r".into())
        );
    }

    #[test]
    fn content_without_tags_is_text() {
        assert_eq!(
            split_chunks(&["  Hello", " world"]),
            ("  Hello world".into(), String::new())
        );
    }

    #[test]
    fn a_tag_later_in_the_answer_stays_text() {
        assert_eq!(
            split_chunks(&["Use <think> tags"]),
            ("Use <think> tags".into(), String::new())
        );
    }

    #[test]
    fn a_prefix_of_the_tag_that_never_completes_is_text() {
        assert_eq!(
            split_chunks(&["<thi", "s is text"]),
            ("<this is text".into(), String::new())
        );
        assert_eq!(split_chunks(&["<th"]), ("<th".into(), String::new()));
    }

    #[test]
    fn unterminated_block_is_reasoning() {
        assert_eq!(
            split_chunks(&["<think>still thinking</thi"]),
            (String::new(), "still thinking</thi".into())
        );
    }

    #[test]
    fn multibyte_text_around_tags() {
        assert_eq!(
            split_chunks(&["<think>é😀", "</think>ü"]),
            ("ü".into(), "é😀".into())
        );
    }

    #[test]
    fn complete_content_is_split() {
        assert_eq!(
            split_complete("<think>\nr\n</think>\n\nAnswer"),
            ("Answer".into(), "\nr\n".into())
        );
    }
}
