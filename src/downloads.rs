//! CSV downloads (layer 5): every table of a rendered page as a CSV file
//! beside the page, and a "Download CSV" link under the table (under its
//! `<details>`, for a chart's data table that folds away). Written from
//! the page's HTML as rendered, so that every table has one, whichever
//! template or Markdown page wrote it, and the file holds exactly the
//! figures the table shows: its heading row, then a row per table row.
//! A cell that carries `data-value` (the chart tables' numbers) gives that
//! value, unformatted, so that a spreadsheet reads it as a number;
//! any other cell gives its text as the page shows it.

use crate::render::OutFile;

/// A page's HTML with a download link under each table, and a CSV file per
/// table, named `table-N.csv` (N from 1 in page order) in the page's folder.
/// `label` is the link's text, in the plan's language.
pub fn tables(page: &OutFile, label: &str) -> (OutFile, Vec<OutFile>) {
    let html = String::from_utf8_lossy(&page.bytes);
    let dir = page
        .path
        .rsplit_once('/')
        .map_or(String::new(), |(d, _)| format!("{d}/"));
    let mut out = String::with_capacity(html.len() + 256);
    let mut files = Vec::new();
    let mut rest: &str = &html;
    while let Some(start) = find_tag(rest, "table") {
        let Some(len) = rest[start..].find("</table>") else {
            break;
        };
        let table_end = start + len + "</table>".len();
        let table = &rest[start..table_end];
        // A chart's data table folds away inside its <details> once the
        // chart is drawn: its link goes after it, so that it stays in view.
        let after = &rest[table_end..];
        let folded = after.trim_start().starts_with("</details>");
        let end = if folded {
            table_end + (after.len() - after.trim_start().len()) + "</details>".len()
        } else {
            table_end
        };
        out.push_str(&rest[..end]);
        let name = format!("table-{}.csv", files.len() + 1);
        files.push(OutFile {
            path: format!("{dir}{name}"),
            bytes: csv_of(table),
        });
        out.push_str(&format!(
            "\n<p class=\"download\" data-pagefind-ignore><a href=\"{name}\" download>{}</a></p>",
            crate::render::escape_html(label)
        ));
        rest = &rest[end..];
    }
    out.push_str(rest);
    let page = OutFile {
        path: page.path.clone(),
        bytes: out.into_bytes(),
    };
    (page, files)
}

/// Where the next `<name` opening tag starts (`<table>` or `<table …>`,
/// not `<tablex`).
fn find_tag(text: &str, name: &str) -> Option<usize> {
    let open = format!("<{name}");
    let mut from = 0;
    while let Some(at) = text[from..].find(&open) {
        let at = from + at;
        let next = text[at + open.len()..].chars().next();
        if matches!(next, Some('>' | ' ' | '\n' | '\t' | '/')) {
            return Some(at);
        }
        from = at + open.len();
    }
    None
}

/// The rows of a `<table>…</table>`, as CSV: UTF-8, comma-separated,
/// quoted where needed, `\n` line ends.
fn csv_of(table: &str) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut rest = table;
    while let Some(start) = find_tag(rest, "tr") {
        let row_end = rest[start..]
            .find("</tr>")
            .map_or(rest.len(), |l| start + l);
        let cells = cells_of(&rest[start..row_end]);
        // Writing to memory cannot fail.
        let _ = writer.write_record(&cells);
        rest = &rest[(row_end + 5).min(rest.len())..];
    }
    writer.into_inner().unwrap_or_default()
}

/// The cells of one `<tr>`: each `<th>` or `<td>`, its `data-value` when
/// it has one, else its text.
fn cells_of(row: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut rest = row;
    loop {
        let th = find_tag(rest, "th");
        let td = find_tag(rest, "td");
        let (start, name) = match (th, td) {
            (Some(a), Some(b)) if a < b => (a, "th"),
            (Some(a), None) => (a, "th"),
            (_, Some(b)) => (b, "td"),
            (None, None) => break,
        };
        let Some(open_len) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..start + open_len];
        let body_start = start + open_len + 1;
        let close = format!("</{name}>");
        let body_end = rest[body_start..]
            .find(&close)
            .map_or(rest.len(), |l| body_start + l);
        let value = attribute(tag, "data-value")
            .map(|v| unescape(&v))
            .unwrap_or_else(|| text_of(&rest[body_start..body_end]));
        cells.push(value);
        rest = &rest[(body_end + close.len()).min(rest.len())..];
    }
    cells
}

/// The value of `name="…"` in an opening tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    let len = tag[at..].find('"')?;
    Some(tag[at..at + len].to_owned())
}

/// The text of some HTML: tags dropped, entities decoded, white space
/// collapsed, as a reader sees it.
fn text_of(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        text.push_str(&rest[..at]);
        let end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
        // A line break or a block between two pieces of text reads as a
        // space ("Macros<br>Diego" is two words); inline tags do not.
        let name = rest[at + 1..end]
            .trim_start_matches('/')
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or_default();
        if matches!(name, "br" | "p" | "div" | "li" | "ul" | "ol" | "dd" | "dt") {
            text.push(' ');
        }
        rest = &rest[end..];
    }
    text.push_str(rest);
    unescape(&text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Decodes the character references the templates and Markdown write:
/// the named five and numeric ones.
fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: &str) -> OutFile {
        OutFile {
            path: "kpis/sla/index.html".to_owned(),
            bytes: html.as_bytes().to_vec(),
        }
    }

    #[test]
    fn each_table_gets_a_file_of_its_cells_and_a_link_under_it() {
        let html = "<h1>SLA</h1>\n<table class=\"compact\">\n<thead><tr><th scope=\"col\">Week</th><th>SLA &amp; target</th></tr></thead>\n<tbody>\n<tr><th scope=\"row\">2026-W01</th><td class=\"num\" data-value=\"81.25\">81.3%</td></tr>\n<tr><th>2026-W02, late</th><td><a href=\"x\">n/a</a> &lt;none&gt;<br><span>Ana</span></td></tr>\n</tbody></table><p>after</p><table><tr><td>1</td></tr></table>";
        let (out, files) = tables(&page(html), "Download CSV");
        let out = String::from_utf8(out.bytes).unwrap();
        assert!(out.contains("</table>\n<p class=\"download\" data-pagefind-ignore><a href=\"table-1.csv\" download>Download CSV</a></p><p>after</p>"), "{out}");
        assert!(out.ends_with("</table>\n<p class=\"download\" data-pagefind-ignore><a href=\"table-2.csv\" download>Download CSV</a></p>"), "{out}");
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["kpis/sla/table-1.csv", "kpis/sla/table-2.csv"]);
        assert_eq!(
            String::from_utf8(files[0].bytes.clone()).unwrap(),
            "Week,SLA & target\n2026-W01,81.25\n\"2026-W02, late\",n/a <none> Ana\n"
        );
        assert_eq!(String::from_utf8(files[1].bytes.clone()).unwrap(), "1\n");
    }

    #[test]
    fn a_folded_tables_link_goes_after_its_details() {
        let html = "<details><table><tr><td>1</td></tr></table>\n  </details>\n</figure>";
        let (out, _) = tables(&page(html), "Download CSV");
        assert_eq!(
            String::from_utf8(out.bytes).unwrap(),
            "<details><table><tr><td>1</td></tr></table>\n  </details>\n<p class=\"download\" data-pagefind-ignore><a href=\"table-1.csv\" download>Download CSV</a></p>\n</figure>"
        );
    }

    #[test]
    fn a_page_without_tables_is_left_as_it_is() {
        let html = "<p>No <tablet> here</p>";
        let (out, files) = tables(&page(html), "Download CSV");
        assert_eq!(out.bytes, html.as_bytes());
        assert!(files.is_empty());
    }

    #[test]
    fn character_references_are_decoded() {
        assert_eq!(
            unescape("a&#x2f;b &#39;c&#39; &amp;&unknown; &"),
            "a/b 'c' &&unknown; &"
        );
    }
}
