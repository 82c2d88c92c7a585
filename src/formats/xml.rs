//! A small element tree over quick-xml: enough for task definitions and event data, with
//! limits on depth and size so hostile files cannot exhaust memory.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// One XML element: local name (namespace prefix dropped), attributes, children and text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// Local name of the element.
    pub name: String,
    /// Attributes as (local name, unescaped value), in document order.
    pub attrs: Vec<(String, String)>,
    /// Child elements in document order.
    pub children: Vec<Element>,
    /// Concatenated character data directly inside this element (entities resolved).
    pub text: String,
}

impl Element {
    /// The first child with this local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The trimmed text of the first child with this name, when present.
    pub fn child_text(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.text.trim().to_string())
    }

    /// The value of an attribute by local name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Why a document could not be read as XML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    /// No element at all (empty or whitespace-only input).
    #[error("no XML element found (file is empty or only whitespace)")]
    Empty,
    /// The text is not well-formed XML.
    #[error("not well-formed XML at character offset {offset}: {message}")]
    Malformed {
        /// Byte offset in the decoded text.
        offset: u64,
        /// What the XML reader said.
        message: String,
    },
    /// Nesting or element count beyond the limits.
    #[error("XML exceeds limits: {0}")]
    TooLarge(String),
}

const MAX_DEPTH: usize = 64;
const MAX_ELEMENTS: usize = 50_000;

fn local(name: &str) -> String {
    match name.rsplit_once(':') {
        Some((_, l)) => l.to_string(),
        None => name.to_string(),
    }
}

fn start(e: &BytesStart<'_>) -> Element {
    let mut el = Element {
        name: local(e.name().as_ref()),
        ..Element::default()
    };
    for a in e.attributes().with_checks(false).flatten() {
        let key = local(a.key.as_ref());
        if key == "xmlns" || a.key.as_ref().starts_with("xmlns:") {
            continue;
        }
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| a.value.to_string());
        el.attrs.push((key, value));
    }
    el
}

/// Resolves a general or character entity reference name (`amp`, `#x41`, `#65`).
pub fn resolve_entity(name: &str) -> Option<String> {
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse::<u32>().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some(c.to_string())
}

/// Removes a leading `<?xml …?>` declaration and returns it: after transcoding, its
/// `encoding=` no longer describes the text, and real task files lie about it anyway.
pub fn strip_declaration(text: &str) -> (&str, Option<&str>) {
    let t = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if t.starts_with("<?xml") {
        if let Some(end) = t.find("?>") {
            return (&t[end + 2..], Some(&t[..end + 2]));
        }
    }
    (text, None)
}

/// The `encoding="…"` value of a declaration.
pub fn declared_encoding(decl: &str) -> Option<String> {
    let i = decl.find("encoding")?;
    let rest = decl[i + 8..].trim_start().strip_prefix('=')?.trim_start();
    let q = rest.chars().next()?;
    if q != '"' && q != '\'' {
        return None;
    }
    let body = &rest[1..];
    body.find(q).map(|end| body[..end].to_string())
}

/// Parses `text` (declaration already removed or not) into its root element.
pub fn parse(text: &str) -> Result<Element, XmlError> {
    let (body, _) = strip_declaration(text);
    let mut reader = Reader::from_str(body);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;
    let malformed = |reader: &Reader<&[u8]>, message: String| XmlError::Malformed {
        offset: reader.buffer_position(),
        message,
    };
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| malformed(&reader, e.to_string()))?;
        match ev {
            Event::Start(e) => {
                count += 1;
                if stack.len() >= MAX_DEPTH || count > MAX_ELEMENTS {
                    return Err(XmlError::TooLarge(format!(
                        "more than {MAX_DEPTH} levels or {MAX_ELEMENTS} elements"
                    )));
                }
                if root.is_some() && stack.is_empty() {
                    return Err(malformed(&reader, "a second root element".into()));
                }
                stack.push(start(&e));
            }
            Event::Empty(e) => {
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(XmlError::TooLarge(format!(
                        "more than {MAX_ELEMENTS} elements"
                    )));
                }
                let el = start(&e);
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None if root.is_none() => root = Some(el),
                    None => return Err(malformed(&reader, "a second root element".into())),
                }
            }
            Event::End(_) => {
                let el = stack
                    .pop()
                    .ok_or_else(|| malformed(&reader, "end tag without start".into()))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                let s = t.xml10_content();
                match stack.last_mut() {
                    Some(cur) => cur.text.push_str(&s),
                    None if s.trim().is_empty() => {}
                    None => {
                        return Err(malformed(
                            &reader,
                            format!("text outside the root element: {:?}", truncate(&s)),
                        ))
                    }
                }
            }
            Event::CData(t) => {
                if let Some(cur) = stack.last_mut() {
                    cur.text.push_str(&t.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                let name = r.into_inner();
                let value = resolve_entity(&name)
                    .ok_or_else(|| malformed(&reader, format!("unknown entity &{name};")))?;
                if let Some(cur) = stack.last_mut() {
                    cur.text.push_str(&value);
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(malformed(
            &reader,
            format!("document ends inside <{}>", stack[stack.len() - 1].name),
        ));
    }
    root.ok_or(XmlError::Empty)
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_and_namespaces() {
        let e = parse(r#"<?xml version="1.0" encoding="UTF-16"?><t:Task xmlns:t="x" a="&lt;1&gt;"><C>a &amp; b &#x41;&#66;</C><E/></t:Task>"#).unwrap();
        assert_eq!(e.name, "Task");
        assert_eq!(e.attr("a"), Some("<1>"));
        assert_eq!(e.child_text("C").unwrap(), "a & b AB");
        assert!(e.child("E").is_some());
    }

    #[test]
    fn rejects_broken() {
        assert!(matches!(
            parse("<a><b></a>"),
            Err(XmlError::Malformed { .. })
        ));
        assert_eq!(parse("  "), Err(XmlError::Empty));
        assert!(matches!(parse("<a>"), Err(XmlError::Malformed { .. })));
        assert_eq!(
            declared_encoding(r#"<?xml version="1.0" encoding='UTF-16'?>"#).as_deref(),
            Some("UTF-16")
        );
    }
}
