#!/usr/bin/env python3
"""Writes the fuzzer's seed corpus (Tests/Fuzz/corpus/) from the committed datasets and
hand-made edge cases. Deterministic: run it again and git shows no change.

Each seed is a fuzz input as Sources/FuzzHarness/FuzzCase.swift reads it: two control
bytes, then the bytes of an export file.
  byte 0: bits 0-1 dataset (0 alarm_calls, 1 burglary_reports, 2 safe_community),
          bits 2-3 encoding (0 auto, 2 gb18030, 3 big5), bit 4: dates in the default years
          (clear: all years 1-9999), bits 6-7 both set: also stream the bytes (1 MB)
  byte 1: one more block size for the reader
The control bytes are chosen printable where they can be: '@' alarm_calls, 'A'
burglary_reports, 'B' safe_community (auto); 'H' alarm_calls declared gb18030; 'L'
alarm_calls declared big5; 'P' alarm_calls and 'R' safe_community in the default years.

Usage: python3 Tests/Fuzz/make_corpus.py
"""
import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "datasets"
OUT = ROOT / "Tests" / "Fuzz" / "corpus"

ALARM, BURGLARY, SAFE = 0x40, 0x41, 0x42
ALARM_GB18030, ALARM_BIG5 = 0x48, 0x4C
STREAM = 0xC0
DEFAULT_YEARS = 0x10

ALARM_HEADER = "call_id,received_at,district,street,call_type,category,response_seconds,disposition"
BURGLARY_HEADER = "case_id,reported_at,district,street,community,premises,loss_yuan,status"
SAFE_HEADER = "community_id,community,district,street,period,compliant,score"


def head(relative, max_bytes, from_line=0):
    """Whole lines (records may span lines) of a committed export, at most max_bytes."""
    data = (DATA / relative).read_bytes()
    lines = data.splitlines(keepends=True)
    out = b""
    if from_line:
        out = lines[0]
        lines = lines[from_line:]
    for line in lines:
        if len(out) + len(line) > max_bytes:
            break
        out += line
    return out


def seed(name, control, block, body):
    if isinstance(body, str):
        body = body.encode("utf-8")
    (OUT / name).write_bytes(bytes([control, block]) + body)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    # Regression inputs (regression-*) are added by hand, each with the bug it found: kept.
    for old in OUT.iterdir():
        if not old.name.startswith("regression-"):
            old.unlink()

    # Real-looking exports: the committed datasets' own first lines.
    seed("alarm_utf8_lf.csv", ALARM, ord("a"), head("alarm_calls/alarm_calls_2015-07-01.csv", 3000))
    seed("alarm_gb18030_crlf_chinese_header.csv", ALARM, ord("b"), head("alarm_calls/alarm_calls_2016-07-01.csv", 2500))
    seed("alarm_bom_spaced_header.csv", ALARM, 2, head("alarm_calls/alarm_calls_2017-01-01.csv", 2500))
    seed("alarm_crlf.csv", ALARM, 200, head("alarm_calls/alarm_calls_2017-07-01.csv", 2500))
    seed("alarm_reordered_extra_column.csv", ALARM, ord("c"), head("alarm_calls/alarm_calls_2018-01-01.csv", 2500))
    tail = (DATA / "alarm_calls/alarm_calls_2018-03-01.csv").read_bytes()
    seed("alarm_no_final_newline.csv", ALARM, ord("d"), tail[:tail.index(b"\n") + 1] + tail[-1500:][tail[-1500:].index(b"\n") + 1:])
    seed("burglary_utf8.csv", BURGLARY, ord("e"), head("burglary_reports/burglary_reports_2016-01-05.csv", 2500))
    seed("burglary_chinese_header_crlf.csv", BURGLARY, ord("f"), head("burglary_reports/burglary_reports_2017-01-05.csv", 2500))
    seed("burglary_bom.csv", BURGLARY, 0, head("burglary_reports/burglary_reports_2018-01-05.csv", 2500))
    seed("burglary_extra_column.csv", BURGLARY, ord("g"), head("burglary_reports/burglary_reports_2018-03-01.csv", 2500))
    seed("safe_community.csv", SAFE, ord("h"), head("safe_community/safe_community_2016-01-15.csv", 2000))
    seed("safe_community_chinese_header.csv", SAFE, ord("i"), head("safe_community/safe_community_2017-01-15.csv", 2000))
    seed("safe_community_half_years_crlf.csv", SAFE, ord("j"), head("safe_community/safe_community_2017-07-15.csv", 2000))
    seed("safe_community_2018.csv", SAFE, 255, head("safe_community/safe_community_2018-01-15.csv", 2000))

    # Empty and nearly empty files.
    (OUT / "empty_input").write_bytes(b"")
    seed("empty_file.csv", ALARM, ord("a"), b"")
    seed("bom_only.csv", ALARM, 1, b"\xef\xbb\xbf")
    seed("header_only.csv", ALARM, ord("a"), ALARM_HEADER + "\n")
    seed("header_only_no_newline_bom.csv", BURGLARY, 1, b"\xef\xbb\xbf" + BURGLARY_HEADER.encode())
    seed("blank_lines_only.csv", SAFE, ord("a"), "\n\r\n   \n\u3000\r\t\n")
    seed("missing_required_column.csv", SAFE, ord("a"), "community_id,community,district,street,compliant,score\nP1,A,B,C,是,1\n")

    # Quotes and line breaks in every position.
    seed("quotes_everywhere.csv", ALARM, 3,
         ALARM_HEADER + "\n"
         + 'Q1,2017-03-05 09:07,"宝山区","罗店镇",报警,"盗窃",1,"已处置,已告知"\n'
         + '"Q2","2017-03-05 09:07","a""b","",报警,"c""",,"""quoted"""\n'
         + 'Q3,2017-03-05,x"y,z,报警,"a"b,2,"line\nbreak"\n'
         + '"Q4""",2017-03-05,"\r\n",s,报警,盗窃,3,"cr\ronly"\r\n'
         + '"",2017-03-05,d,s,报警,盗窃,,""""\n'
         + 'Q5,2017-03-05,d,s,报警,盗窃,,"ends with quote before CR"\r'
         + 'Q6,2017-03-05,d,s,报警,盗窃,,"\n"\n'
         + '"Q7\r\n",2017-03-05,d,s,报警,盗窃,,x\n')
    seed("quote_at_line_ends.csv", BURGLARY, 4,
         BURGLARY_HEADER + "\n"
         + 'R1,2017-01-01,d,s,c,p,1,"\n'
         + '",x\n'
         + 'R2,2017-01-01,d,s,c,p,1,""\n'
         + '"\n"\n'
         + '""\r\n'
         + '"R3\r",2017-01-01,d,s,c,p,1,"s"\r')
    seed("unterminated_quote.csv", ALARM, 5,
         ALARM_HEADER + "\nU1,2017-03-05 09:07,宝山区,罗店镇,报警,盗窃,300,已处置\nU2,2017-03-05,宝山区,,报警,盗窃,,\"never closed\nmore,lines\r\nhere")
    seed("unterminated_quote_in_header.csv", SAFE, 6, '"community_id,community\nP1,x\n')

    # Line endings mixed: LF, CRLF, lone CR, blank lines of white space.
    seed("mixed_line_endings.csv", SAFE, 7,
         SAFE_HEADER + "\r\n"
         + "P1,春申花园,黄浦区,南京东路街道,2017,是,84.3\r"
         + "P2,锦绣新村,黄浦区,,2017H1,否,71.1\n"
         + "\r\n   \r\n\u3000\u3000\n"
         + "P3,阳光苑,黄浦区,南京东路街道,2017Q4,达标,100\r\n\r"
         + "P1,春申花园,黄浦区,南京东路街道,2017,1,84.30\n"
         + "P1,春申花园,黄浦区,南京东路街道,2017,0,84.3\r\n")

    # Field counts, NUL bytes, values.
    seed("wrong_field_counts.csv", ALARM, 8,
         ALARM_HEADER + "\n"
         + "W1,2017-03-05 09:07,宝山区,罗店镇,报警,盗窃,300\n"
         + "W2,2017-03-05 09:07,宝山区,罗店镇,报警,盗窃,300,已处置,extra\n"
         + "W3\n"
         + ",,,,,,,\n"
         + "W4,2017-03-05 09:07,宝山区,罗店镇,报警,盗窃,300,已处置\n")
    seed("nul_bytes.csv", BURGLARY, 9,
         (BURGLARY_HEADER + "\n").encode()
         + b"N1,2017-01-01 10:00,\x00,s,c,p,1,x\n"
         + b"N2\x00,2017-01-01,d,s,c\x00c,p,\x001,x\n"
         + b"\x00\n\x00,\x00\r\n\"\x00\",x\n")
    seed("nul_in_header.csv", ALARM, 10, b"call_id\x00,received_at,district,category\nA,2017-01-01,d,c\n")
    seed("invalid_values.csv", ALARM, 11,
         ALARM_HEADER + "\n"
         + "V1,2017-02-30 08:00,宝山区,,报警,盗窃,1,x\n"
         + "V2,2017/2/29 8:00,宝山区,,报警,盗窃,1,x\n"
         + "V3,2016/2/29 8:00,宝山区,,报警,盗窃,-1,x\n"
         + "V4,2017-03-05T25:00:00,宝山区,,报警,盗窃,1.5,x\n"
         + "V5,2017-03-05 09:07:00,\u3000,,报警,盗窃,1,x\n"
         + "V6,\u30002017-03-05\u3000,宝山区,,,盗窃,１２,x\n"
         + "V7,9999-12-31 23:59:59,宝山区,,,盗窃,99999999999999999999,x\n"
         + "V8,0000-01-01,宝山区,,,盗窃,0,x\n")
    # The years read (default 1980 to 2099): each bound and a placeholder, each value
    # twice in a row (the second takes its day from the row before).
    edges = ["1979-12-31 23:59:59", "1980-01-01 00:00:00", "2099-12-31 23:59:59", "2100-01-01 00:00:00",
             "0001-01-01 00:00:00", "9999-12-31", "1900/1/1 0:00", "2017-03-05 09:07:00"]
    seed("years_default_alarm.csv", ALARM | DEFAULT_YEARS, 23,
         ALARM_HEADER + "\n" + "".join(f"Y{i}{c},{value},宝山区,,报警,盗窃,1,x\n" for i, value in enumerate(edges) for c in "ab"))
    seed("years_default_safe.csv", SAFE | DEFAULT_YEARS, 24,
         SAFE_HEADER + "\n" + "".join(f"Y{i},c,d,s,{period},是,1\n" for i, period in enumerate(["1979", "1979Q4", "1980H1", "2099Q4", "2100", "0001"])))
    seed("invalid_values_safe.csv", SAFE, 12,
         SAFE_HEADER + "\n"
         + "S1,c,d,s,2017Q5,是,1\nS2,c,d,s,2017H3,maybe,1\nS3,c,d,s,17,是,100.01\nS4,c,d,s,2017,YES,-0\n"
         + "S5,c,d,s,2017,未达标,.5\nS6,c,d,s,2017,n,5.\nS7,c,d,s,99999,y,1e2\n")
    seed("duplicates_and_conflicts.csv", BURGLARY, 13,
         BURGLARY_HEADER + "\n"
         + "D1,2017-03-05 09:07:00,闵行区,七宝镇,康城,住宅,100,已破\n"
         + "D1,2017/3/5 9:07,闵行区,七宝镇,康城,住宅,100.00,已破\n"
         + "D1,2017-03-05T09:07:00,闵行区,七宝镇,康城,住宅,200,已破\n"
         + "D1,2017-03-05,闵行区,七宝镇,康城,住宅,200,已破\n"
         + " D1 ,2017-03-05,闵行区,,康城,,,\n"
         + "D2,2017-03-05,闵行区,七宝镇,康城,,,\n")
    seed("aliases_and_config_like_headers.csv", ALARM, 14,
         " 接警编号 ,\u3000报警时间,行政区,街道,警情类型,警情类别,到场时长,处置结果,CALL_ID\n"
         + "A1,2017-03-05 09:07,宝山区,罗店镇,报警,盗窃,300,已处置,other\n")

    # Encodings: GB18030 (2- and 4-byte characters), not decodable, Big5, broken UTF-8.
    gb_text = (ALARM_HEADER + "\r\n"
               + "G1,2017-03-05 09:07,宝山区,罗店镇,报警,盗窃,300,\"已处置,已告知\"\r\n"
               + "G2,2017-03-05 09:07,闵行区,七宝镇,求助,其他,,€ 𠀀 ㊣ ¥ ☺\r\n"
               + "G3,2017/3/5 9:07,浦东新区,,,入室盗窃,,\"两行\r\n文字\"\r\n")
    seed("gb18030_four_byte_characters.csv", ALARM, 15, gb_text.encode("gb18030"))
    seed("gb18030_declared.csv", ALARM_GB18030, 16, gb_text.encode("gb18030"))
    seed("gb18030_declared_but_utf8.csv", ALARM_GB18030, 17, gb_text.encode("utf-8"))
    seed("gb18030_cut_character_at_end.csv", ALARM, 18, gb_text.encode("gb18030") + "区".encode("gb18030")[:1])
    seed("not_gb18030.csv", ALARM, 19, (ALARM_HEADER + "\n").encode() + b"X1,2017-01-01,\x80\xff\x81,c,d,e,,\n")
    big5_text = ALARM_HEADER + "\r\n" + "B1,2017-03-05 09:07,寶山區,羅店鎮,報警,盜竊,300,已處置\r\n"
    seed("big5_declared.csv", ALARM_BIG5, 20, big5_text.encode("cp950"))
    seed("big5_read_as_gb18030.csv", ALARM, 21, big5_text.encode("cp950"))
    seed("utf8_broken_sequences.csv", ALARM, 22,
         (ALARM_HEADER + "\n").encode() + b"X1,2017-01-01,\xe5\xae,\xed\xa0\x80,\xc0\xaf,\xf4\x90\x80\x80,,\xe5")

    # Memory: a field over the harness's 4096-byte limit, a file without a line break.
    big = "x\n" * 2600 + "\"\"" * 10
    seed("huge_quoted_field.csv", ALARM | STREAM, 23, ALARM_HEADER + "\nH1,2017-03-05,d,s,t,c,1,\"" + big + "\"\nH2,2017-03-05,d,s,t,c,1,x\n")
    seed("huge_unquoted_field_no_newline.csv", BURGLARY | STREAM, 24, BURGLARY_HEADER + "\n" + "y" * 6000)
    seed("no_line_break_commas.csv", SAFE | STREAM, 25, "," * 3000)
    seed("no_line_break_fields.csv", ALARM | STREAM, 26, "ab," * 1500)
    seed("one_long_line_quoted_commas.csv", ALARM | STREAM, 27, '"' + "," * 5000)


if __name__ == "__main__":
    main()
