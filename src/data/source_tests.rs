//! The file front end: BOM, GBK, title lines and delimiter sniffing, with true file lines
//! (#11).

use std::path::Path;

use super::*;

fn open(bytes: &[u8]) -> Result<Source> {
    Source::from_bytes(Path::new("x.csv"), bytes.to_vec())
}

#[test]
fn a_clean_utf8_comma_file_has_its_header_on_line_1() {
    let s = open(b"date,ticker,close\n2022-01-04,A,1\n").unwrap();
    assert_eq!(s.headers, ["date", "ticker", "close"]);
    assert_eq!(
        (s.header_line, s.delimiter, s.encoding),
        (1, b',', Encoding::Utf8)
    );
    assert_eq!(s.data(), b"2022-01-04,A,1\n");
    assert_eq!(s.line_of(0), 2);
    assert!(s.notices(false).is_empty());
}

#[test]
fn a_bom_and_spaces_around_header_names_are_removed() {
    let s = open(b"\xEF\xBB\xBF date , \"ticker\" ,close\n2022-01-04,A,1\n").unwrap();
    assert!(s.bom);
    assert_eq!(s.headers, ["date", "ticker", "close"]);
    assert_eq!(s.notices(false).len(), 1);
}

#[test]
fn two_title_lines_are_skipped_and_the_header_is_line_3() {
    let text = "数据由某某整理\n单位：元\ndate;ticker;close\n2022-01-04;A;1,5\n2022-01-05;A;1,6\n";
    let s = open(text.as_bytes()).unwrap();
    assert_eq!(s.header_line, 3);
    assert_eq!(s.delimiter, b';');
    assert_eq!(s.line_of(1), 5);
    let n = s.notices(false);
    assert!(n[0].contains("skipped 2 title lines"), "{n:?}");
    assert!(n[1].contains("semicolons"), "{n:?}");
}

#[test]
fn tab_and_pipe_delimiters_are_sniffed() {
    assert_eq!(open(b"date\tticker\n1\t2\n").unwrap().delimiter, b'\t');
    assert_eq!(open(b"date|ticker\n1|2\n").unwrap().delimiter, b'|');
}

#[test]
fn gbk_bytes_are_decoded_with_a_notice() {
    let (gbk, _, _) = encoding_rs::GBK.encode("日期,代码,收盘\n2022-01-04,002415,30.1\n");
    let s = open(&gbk).unwrap();
    assert_eq!(s.encoding, Encoding::Gbk);
    assert_eq!(s.headers, ["日期", "代码", "收盘"]);
    assert!(s.notices(false)[0].contains("decoded as GBK"));
}

#[test]
fn bytes_neither_utf8_nor_gbk_are_an_error_on_their_line() {
    let e = open(b"date,ticker\n2022-01-04,A\n2022-01-05,caf\xE9\n").unwrap_err();
    assert!(
        matches!(
            e,
            Error::BadEncoding {
                line: 3,
                byte: 0xE9,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn an_early_ragged_row_does_not_move_the_header() {
    let s = open(b"a,b,c\n1,2\n1,2,3\n1,2,3\n").unwrap();
    assert_eq!(s.header_line, 1);
}

#[test]
fn a_file_opened_from_disk_is_mapped_and_reads_as_its_bytes_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode("日期,代码,收盘\n2022-01-04,002415,30.1\n");
    let files: [(&str, &[u8], bool); 3] = [
        ("clean.csv", b"date,ticker,close\n2022-01-04,A,1\n", true),
        ("bom.csv", b"\xEF\xBB\xBFdate;close\n2022-01-04;1,5\n", true),
        ("gbk.csv", &gbk, false),
    ];
    for (name, bytes, mapped) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let disk = Source::open(&path).unwrap();
        let memory = Source::from_bytes(&path, bytes.to_vec()).unwrap();
        assert_eq!(matches!(disk.text, Text::Mapped { .. }), mapped, "{name}");
        assert_eq!(disk.from_header(), memory.from_header(), "{name}");
        assert_eq!(disk.data(), memory.data(), "{name}");
        assert_eq!(
            (&disk.headers, disk.bom, disk.encoding, disk.delimiter),
            (
                &memory.headers,
                memory.bom,
                memory.encoding,
                memory.delimiter
            ),
            "{name}"
        );
    }
    // An empty file is read, not mapped, and refused as before.
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(Source::open(&empty), Err(Error::EmptyFile { .. })));
}
