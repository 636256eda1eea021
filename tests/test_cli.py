"""The `docdiff` command as a user runs it: diff on local files, compare against a service, demo."""

import json
import os
import socket
import subprocess
import sys

import pytest

from docdiff.cli import build_cli
from docdiff.errors import ERROR_FIELDS
from tests.servers import DOCUMENTS
from tests.test_load import xlsx_bytes

SP500 = DOCUMENTS / "sp500-2024"
PLAN = DOCUMENTS / "tencent-plan-xhs"


def docdiff(*args, lang="zh_CN.UTF-8", env=None, timeout=120):
    environment = {**os.environ, "LANG": lang, "COLUMNS": "160", **(env or {})}
    environment.pop("LC_ALL", None)
    environment.pop("LC_MESSAGES", None)
    return subprocess.run(
        [sys.executable, "-m", "docdiff.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
    )


def test_diff_equal_files_exit_zero():
    run = docdiff("diff", SP500 / "baseline.csv", SP500 / "baseline.csv")
    assert run.returncode == 0, run.stderr
    assert "没有差异" in run.stdout


def test_diff_with_key_json():
    run = docdiff("diff", SP500 / "baseline.csv", SP500 / "target.csv", "--key", "Symbol", "--json")
    assert run.returncode == 1, run.stderr
    payload = json.loads(run.stdout)
    assert payload["key"] == ["Symbol"]
    assert payload["summary"]["rows_added"] == 16
    assert payload["summary"]["cells_modified"] == 53


def test_diff_star_option_switches_ratings_to_text():
    by_value = docdiff("diff", PLAN / "baseline.csv", PLAN / "target-stars.csv", "--json")
    as_text = docdiff("diff", PLAN / "baseline.csv", PLAN / "target-stars.csv", "--json", "--no-stars")
    assert json.loads(by_value.stdout)["summary"]["cells_modified"] == 1
    assert json.loads(as_text.stdout)["summary"]["cells_modified"] == 93


def test_diff_reports_auto_key():
    run = docdiff("diff", SP500 / "baseline.csv", SP500 / "target.csv", lang="en_US.UTF-8")
    assert run.returncode == 1
    assert "key found automatically: Symbol" in run.stdout


def test_diff_text_in_english():
    run = docdiff("diff", PLAN / "baseline.csv", PLAN / "target-retitled.csv", lang="en_US.UTF-8")
    assert run.returncode == 1
    assert "Title changed" in run.stdout
    assert "Rows: 0 added" in run.stdout


def test_diff_missing_file_exit_two():
    run = docdiff("diff", SP500 / "nope.csv", SP500 / "target.csv", lang="en_US.UTF-8")
    assert run.returncode == 2
    assert "Cannot read the file" in run.stderr
    assert "no such file" in run.stderr
    assert "Next:" in run.stderr


@pytest.mark.parametrize("lang, message", [
    ("zh_CN.UTF-8", "无法读取文件"),
    ("en_US.UTF-8", "Cannot read the file"),
])
def test_diff_missing_file_json_fields(lang, message):
    run = docdiff("diff", SP500 / "nope.csv", SP500 / "target.csv", "--json", lang=lang)
    assert run.returncode == 2
    error = json.loads(run.stdout)["error"]
    assert list(error) == list(ERROR_FIELDS)
    assert error["code"] == "invalid_request"
    assert message in error["message"]
    assert "nope.csv" in error["message"]
    assert error["hint"]
    assert error["stage"] is None
    assert error["side"] == "baseline"
    assert error["retryable"] is False


def test_diff_folder_reports_target_side():
    run = docdiff("diff", SP500 / "baseline.csv", SP500, "--json", lang="en_US.UTF-8")
    assert run.returncode == 2
    error = json.loads(run.stdout)["error"]
    assert error["side"] == "target"
    assert "it is a folder" in error["message"]


def test_diff_bad_key_json_fields():
    run = docdiff("diff", SP500 / "baseline.csv", SP500 / "target.csv", "--key", "Ticker", "--json")
    assert run.returncode == 2
    error = json.loads(run.stdout)["error"]
    assert list(error) == list(ERROR_FIELDS)
    assert error["code"] == "invalid_request"


@pytest.mark.parametrize("lang, message", [
    ("zh_CN.UTF-8", "没有名为 Nope 的工作表"),
    ("en_US.UTF-8", "has no sheet named Nope"),
])
def test_diff_unknown_sheet_invalid_request(tmp_path, lang, message):
    workbook = tmp_path / "plan.xlsx"
    workbook.write_bytes(xlsx_bytes({"A1": "id", "A2": "1"}, sheets=("Plan", "Other")))
    run = docdiff("diff", workbook, workbook, "--sheet", "Nope", "--json", lang=lang)
    assert run.returncode == 2
    error = json.loads(run.stdout)["error"]
    assert error["code"] == "invalid_request"
    assert message in error["message"]
    assert "Plan, Other" in error["message"]
    assert "--sheet" in error["hint"]
    assert error["side"] == "baseline"


def test_diff_bad_key_exit_two():
    run = docdiff("diff", SP500 / "baseline.csv", SP500 / "target.csv", "--key", "Ticker")
    assert run.returncode == 2
    assert "invalid_request" in run.stderr
    assert "Ticker" in run.stderr


def test_compare_has_no_cookie_argument():
    run = docdiff("compare", "--help", lang="en_US.UTF-8")
    assert run.returncode == 0
    assert "--cookie-file" in run.stdout
    assert "--cookie " not in run.stdout


def test_compare_with_cookie_file(service, site, tmp_path):
    cookie_file = tmp_path / "cookie.txt"
    cookie_file.write_text(site.cookie)
    run = docdiff(
        "compare",
        site.sheet("sp500-2024.baseline"),
        site.sheet("sp500-2024.target"),
        "--server", service.url,
        "--cookie-file", cookie_file,
        "--key", "Symbol",
        "--json",
    )
    assert run.returncode == 1, run.stderr
    payload = json.loads(run.stdout)
    assert payload["summary"]["rows_removed"] == 16
    for stage in ("登录", "下载基线", "下载目标", "比较"):
        assert stage in run.stderr
    assert site.token not in run.stdout + run.stderr


def test_compare_with_cookie_from_environment(service, site):
    run = docdiff(
        "compare",
        site.sheet("tencent-plan-xhs.baseline"),
        site.sheet("tencent-plan-xhs.target-retitled"),
        "--server", service.url,
        lang="en_US.UTF-8",
        env={"DOCDIFF_COOKIE": site.cookie},
    )
    assert run.returncode == 1, run.stderr
    assert "Title changed" in run.stdout
    assert "Rows: 0 added" in run.stdout


def test_compare_expired_cookie_exit_two(service, site):
    run = docdiff(
        "compare",
        site.sheet("tencent-plan-xhs.baseline"),
        site.sheet("tencent-plan-xhs.target-retitled"),
        "--server", service.url,
        env={"DOCDIFF_COOKIE": "demo_sid=expired"},
    )
    assert run.returncode == 2
    assert "cookie_expired" in run.stderr
    assert "F12" in run.stderr


def test_compare_without_cookie_exit_two(service, site):
    run = docdiff("compare", site.sheet("a"), site.sheet("b"), "--server", service.url, lang="en_US.UTF-8",
                  env={"DOCDIFF_COOKIE": ""})
    assert run.returncode == 2
    assert "DOCDIFF_COOKIE" in run.stderr


def test_compare_against_other_server_says_so(site):
    run = docdiff("compare", site.sheet("a"), site.sheet("b"), "--server", site.url,
                  lang="en_US.UTF-8", env={"DOCDIFF_COOKIE": "a=b"})
    assert run.returncode == 2
    assert "not a docdiff service response" in run.stderr


def test_compare_server_without_scheme_exit_two():
    run = docdiff("compare", "http://x.test/a", "http://x.test/b", "--server", "127.0.0.1:8000",
                  lang="en_US.UTF-8", env={"DOCDIFF_COOKIE": "a=b"})
    assert run.returncode == 2
    assert "must be an http:// or https:// URL" in run.stderr


def test_diff_json_error_on_stdout(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    run = docdiff("diff", empty, SP500 / "target.csv", "--json")
    assert run.returncode == 2
    assert json.loads(run.stdout)["error"]["code"] == "parse_error"


def test_compare_unreachable_service_exit_two(site):
    run = docdiff("compare", site.sheet("a"), site.sheet("b"), "--server", "http://127.0.0.1:9",
                  lang="en_US.UTF-8", env={"DOCDIFF_COOKIE": "a=b"})
    assert run.returncode == 2
    assert "Cannot reach the service" in run.stderr


def _cookie_file(tmp_path, content: bytes):
    path = tmp_path / "cookie.txt"
    path.write_bytes(content)
    return path


# Each case: extra arguments, environment, files made under tmp_path, expected code and message part.
LOCAL_ERRORS = {
    "no cookie": ([], {"DOCDIFF_COOKIE": " "}, None, "cookie_missing", "DOCDIFF_COOKIE"),
    "bad format": (["--format", "pdf"], {}, None, "invalid_request", "--format must be csv or xlsx, not pdf"),
    "bad server": (["--server", "127.0.0.1:8000"], {}, None, "invalid_request", "must be an http:// or https:// URL"),
    "server port not a number": (["--server", "http://127.0.0.1:abc"], {}, None, "invalid_request",
                                 "Invalid service URL http://127.0.0.1:abc"),
    "server without host": (["--server", "http://"], {}, None, "invalid_request", "Invalid service URL http://:"),
    "tolerance nan": (["--tolerance", "nan"], {}, None, "invalid_request", "Invalid value nan for --tolerance"),
    "tolerance inf": (["--tolerance", "inf"], {}, None, "invalid_request", "Invalid value inf for --tolerance"),
    "no service": (["--server", "http://127.0.0.1:9"], {}, None, "service_unreachable", "http://127.0.0.1:9"),
    "cookie file missing": (["--cookie-file", "{tmp}/none.txt"], {}, None, "invalid_request", "no such file"),
    "cookie file not utf-8": (["--cookie-file", "{tmp}/cookie.txt"], {}, b"sid=\xff\xfe", "invalid_request",
                              "not UTF-8 text"),
}


@pytest.mark.parametrize("case", LOCAL_ERRORS)
def test_compare_local_errors_are_coded(tmp_path, case):
    arguments, env, cookie, code, message = LOCAL_ERRORS[case]
    if cookie is not None:
        _cookie_file(tmp_path, cookie)
    arguments = [argument.replace("{tmp}", str(tmp_path)) for argument in arguments]
    run = docdiff("compare", "http://127.0.0.1:9/sheet/a", "http://127.0.0.1:9/sheet/b", *arguments, "--json",
                  lang="en_US.UTF-8", env={"DOCDIFF_COOKIE": "sid=1", **env})
    assert run.returncode == 2
    error = json.loads(run.stdout)["error"]
    assert list(error) == list(ERROR_FIELDS)
    assert error["code"] == code
    assert message in error["message"]
    assert error["hint"]
    assert error["retryable"] is (code == "service_unreachable")
    assert f"[{code}]" in run.stderr
    assert "sid=" not in run.stdout + run.stderr


def test_diff_unwritable_report_is_coded_json(tmp_path):
    run = docdiff("diff", SP500 / "baseline.csv", SP500 / "target.csv", "--xlsx", tmp_path / "no" / "r.xlsx",
                  "--json", lang="en_US.UTF-8")
    assert run.returncode == 2
    error = json.loads(run.stdout)["error"]
    assert error["code"] == "invalid_request"
    assert "Cannot write the file" in error["message"]
    assert "r.xlsx" in error["message"]


def test_demo_bad_pair_is_coded_json():
    run = docdiff("demo", "--pair", "only-one", "--json", lang="zh_CN.UTF-8")
    assert run.returncode == 2
    error = json.loads(run.stdout)["error"]
    assert error["code"] == "invalid_request"
    assert "--pair 应写成" in error["message"]


def test_demo_unknown_document_rejected():
    run = docdiff("demo", "--pair", "nope.baseline,tencent-plan-xhs.target", "--json", lang="en_US.UTF-8", timeout=20)
    assert run.returncode == 2
    error = json.loads(run.stdout)["error"]
    assert error["code"] == "invalid_request"
    assert "No bundled document nope.baseline" in error["message"]
    assert "tencent-plan-xhs.target-stars" in error["message"]
    # Nothing was started: the demo prints its start-up line only after the check.
    assert "Starting the demo" not in run.stderr


@pytest.mark.parametrize("arguments, detail", [
    (["diff", SP500 / "baseline.csv", SP500 / "target.csv", "--limit", "-1"], "--limit"),
    (["diff", SP500 / "baseline.csv", "--bogus"], "--bogus"),
    (["diff"], "BASELINE"),
])
def test_malformed_command_line_coded(arguments, detail):
    run = docdiff(*arguments, "--json", lang="zh_CN.UTF-8")
    assert run.returncode == 2
    error = json.loads(run.stdout)["error"]
    assert list(error) == list(ERROR_FIELDS)
    assert error["code"] == "invalid_request"
    assert error["message"].startswith("命令行有误：")
    assert detail in error["message"]
    assert error["hint"] == "运行 docdiff diff --help 查看用法。"


@pytest.mark.parametrize("arguments, chinese, english", [
    (["diff", "a.csv", "b.csv", "--bogus"], "没有 --bogus 这个选项", "no such option: --bogus"),
    (["diff", "a.csv", "b.csv", "--limt", "3"], "（相近的选项：--limit", "(similar options: --limit"),
    (["diff", "a.csv"], "缺少参数 TARGET", "missing argument TARGET"),
    (["diff", "a.csv", "b.csv", "--limit"], "选项 --limit 后面要跟一个值", "option --limit needs a value"),
    (["diff", "a.csv", "b.csv", "--json=1"], "选项 --json 不接受值", "option --json takes no value"),
    (["diff", "a.csv", "b.csv", "c.csv"], "多出了参数 c.csv", "unexpected extra arguments: c.csv"),
    (["diff", "a.csv", "b.csv", "--limit", "abc"], "--limit 的值 abc 无效：应为整数",
     "invalid value abc for --limit: it must be a whole number"),
    (["diff", "a.csv", "b.csv", "--limit", "-5"], "--limit 的值 -5 无效：应大于或等于 0",
     "invalid value -5 for --limit: it must be 0 or more"),
    (["diff", "a.csv", "b.csv", "--tolerance", "x"], "--tolerance 的值 x 无效：应为数字",
     "invalid value x for --tolerance: it must be a number"),
    (["serve", "--port", "70000"], "--port 的值 70000 无效：应小于或等于 65535",
     "invalid value 70000 for --port: it must be 65535 or less"),
    (["frob"], "没有 frob 这个命令", "no such command: frob"),
    (["dif", "a.csv", "b.csv"], "没有 dif 这个命令（相近的命令：diff）", "no such command: dif (similar command: diff)"),
])
def test_usage_errors_both_languages(monkeypatch, capsys, arguments, chinese, english):
    from docdiff import cli

    for lang, expected in (("zh_CN.UTF-8", chinese), ("en_US.UTF-8", english)):
        monkeypatch.setenv("LANG", lang)
        monkeypatch.delenv("LC_ALL", raising=False)
        monkeypatch.delenv("LC_MESSAGES", raising=False)
        with pytest.raises(SystemExit) as exit_info:
            cli.main(arguments)
        assert exit_info.value.code == 2
        message = capsys.readouterr().err
        assert "[invalid_request]" in message
        assert expected in message
        # click's English words are gone from the Chinese message.
        if lang.startswith("zh"):
            assert not any(word in message for word in ("Invalid", "Missing", "No such", "Input should", "Got "))


def test_usage_hint_names_command_early(monkeypatch, capsys):
    from docdiff import cli

    monkeypatch.setenv("LANG", "en_US.UTF-8")
    with pytest.raises(SystemExit):
        # The option parser rejects `--limit` without a value before `compare` has a context.
        cli.main(["compare", "a", "b", "--limit", "--json"])
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["hint"] == "Run docdiff compare --help for the usage."


@pytest.mark.parametrize("arguments, env, message, json_hint", [
    (["serve"], {"DOCDIFF_PORT": "abc"}, "Invalid settings: DOCDIFF_PORT=abc: it must be a whole number.", False),
    (["serve"], {"DOCDIFF_JOB_TTL_S": "-5"}, "DOCDIFF_JOB_TTL_S=-5: it must be more than 0", False),
    (["serve"], {"DOCDIFF_PROFILE_HOSTS": "tencent=127.0.0.1"}, "DOCDIFF_PROFILE_HOSTS: it is not valid JSON.", True),
    (["serve"], {"DOCDIFF_DEFAULT_PROFILE": "nope"}, "No site profile nope", False),
    (["serve", "--log-level", "loud"], {}, "Invalid value loud for --log-level", False),
])
def test_serve_settings_errors(arguments, env, message, json_hint):
    run = docdiff(*arguments, lang="en_US.UTF-8", env=env)
    assert run.returncode == 2
    assert message in run.stderr
    assert ("Write lists and maps as JSON" in run.stderr) is json_hint
    assert "Traceback" not in run.stderr


def test_serve_options_override_bad_environment(monkeypatch):
    from docdiff import cli

    monkeypatch.setenv("DOCDIFF_PORT", "abc")
    assert cli._load_settings("en", {"port": 8123}).port == 8123


def test_whitespace_only_change_is_quoted(tmp_path):
    (tmp_path / "a.csv").write_text("sku,name\n1,Gamma\n2,x\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("sku,name\n1,Gamma \n2,y\n", encoding="utf-8")
    run = docdiff("diff", tmp_path / "a.csv", tmp_path / "b.csv", "--no-trim", "--key", "sku", lang="en_US.UTF-8")
    assert run.returncode == 1
    assert '"Gamma"' in run.stdout
    assert '"Gamma "' in run.stdout
    # Other changes are shown as they are.
    assert '"x"' not in run.stdout


def test_short_help_option():
    run = docdiff("diff", "-h", lang="zh_CN.UTF-8")
    assert run.returncode == 0
    assert run.stdout.startswith("用法：docdiff diff")


def test_no_arguments_show_help():
    run = docdiff(lang="en_US.UTF-8")
    assert run.returncode == 2
    assert "Commands:" in run.stdout + run.stderr


def test_renamed_sheet_is_a_difference(tmp_path):
    from tests.test_compare import PEOPLE, PLAN, workbook

    (tmp_path / "b.xlsx").write_bytes(workbook({"计划": PLAN, "风险清单": PEOPLE}))
    (tmp_path / "t.xlsx").write_bytes(workbook({"计划": PLAN, "风险登记": PEOPLE}))
    run = docdiff("diff", tmp_path / "b.xlsx", tmp_path / "t.xlsx", lang="zh_CN.UTF-8")
    assert run.returncode == 1
    # The workbook's own changes come last, after every sheet's section.
    assert run.stdout.strip().splitlines()[-1] == "工作表改名：风险清单 → 风险登记"


def test_sheet_with_two_csv_files():
    run = docdiff("diff", SP500 / "baseline.csv", SP500 / "target.csv", "--sheet", "Plan", "--json",
                  lang="en_US.UTF-8")
    assert run.returncode == 2
    assert "--sheet applies to XLSX workbooks" in json.loads(run.stdout)["error"]["message"]


def test_compare_checks_report_path_first(tmp_path):
    # Nothing listens at the service address: the path is checked before any request.
    run = docdiff("compare", "http://127.0.0.1:9/sheet/a", "http://127.0.0.1:9/sheet/b", "--server",
                  "http://127.0.0.1:9", "--xlsx", tmp_path / "missing" / "r.xlsx", "--json", lang="zh_CN.UTF-8",
                  env={"DOCDIFF_COOKIE": "sid=1"})
    assert run.returncode == 2
    error = json.loads(run.stdout)["error"]
    assert error["code"] == "invalid_request"
    assert error["message"].endswith("r.xlsx：文件或文件夹不存在")


def test_demo_site_usage_error_in_chinese():
    run = docdiff("demo-site", "--page-latency-ms", "-2", lang="zh_CN.UTF-8")
    assert run.returncode == 2
    assert "用法：docdiff demo-site" in run.stderr
    assert "docdiff demo-site：错误：参数 --page-latency-ms：应为 0 或更大的整数，而不是 -2" in run.stderr


@pytest.mark.parametrize("message, chinese, english", [
    ("unrecognized arguments: --bogus x", "无法识别的参数：--bogus x", "unrecognized arguments: --bogus x"),
    ("argument --port: expected one argument", "参数 --port：后面要跟一个值", "argument --port: needs a value"),
    ("argument --export-failure: ignored explicit argument '1'", "参数 --export-failure：不接受值，却给了 '1'",
     "argument --export-failure: takes no value, but was given '1'"),
    ("ambiguous option: --p could match --port, --page-latency-ms",
     "选项 --p 有歧义，可能是：--port, --page-latency-ms",
     "option --p is ambiguous, it could be: --port, --page-latency-ms"),
])
def test_demo_site_argparse_errors_translated(message, chinese, english):
    from docdiff.demo_site.__main__ import usage_detail

    assert usage_detail(message, "zh-CN") == chinese
    assert usage_detail(message, "en") == english


@pytest.mark.parametrize("arguments", [["--bogus", "x"], ["--port"], ["--port", "abc"], ["--export-failure=1"], ["--p", "1"]])
def test_demo_site_parser_errors_chinese(monkeypatch, capsys, arguments):
    from docdiff.demo_site.__main__ import build_parser

    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    with pytest.raises(SystemExit):
        build_parser("docdiff demo-site").parse_args(arguments)
    error_line = capsys.readouterr().err.strip().splitlines()[-1]
    assert error_line.startswith("docdiff demo-site：错误：")
    assert not any(word in error_line for word in ("argument", "expected", "invalid", "ambiguous", "unrecognized"))


@pytest.mark.parametrize("arguments, env, message", [
    (["serve", "--port", "99999"], {}, "invalid value 99999 for --port: it must be 65535 or less"),
    (["serve"], {"DOCDIFF_PORT": "99999"}, "DOCDIFF_PORT=99999: it must be 65535 or less"),
    (["demo-site", "--port", "99999"], {}, "a port is between 1 and 65535, not 99999"),
])
def test_port_out_of_range_is_rejected(arguments, env, message):
    run = docdiff(*arguments, lang="en_US.UTF-8", env=env)
    assert run.returncode == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("command, ready", [
    (["serve", "--port"], "docdiff service started"),
    (["demo-site", "--port"], "演示文档站点已启动"),
])
def test_busy_port_fails_before_start(command, ready):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        run = docdiff(*command, port, lang="zh_CN.UTF-8", timeout=60)
    assert run.returncode == 2
    assert f"无法监听 127.0.0.1:{port}" in run.stderr
    assert ready not in run.stdout + run.stderr


@pytest.mark.parametrize("command", ["serve", "compare", "diff", "demo", "demo-site"])
def test_every_command_has_help(command):
    run = docdiff(command, "--help", lang="en_US.UTF-8")
    assert run.returncode == 0, run.stderr
    assert "Usage" in run.stdout or "usage" in run.stdout


@pytest.mark.parametrize("command, lang, expected", [
    ([], "zh_CN.UTF-8", ["查看在线表格两个版本之间改了什么", "启动比较服务", "比较两个本地 CSV 或 XLSX 文件"]),
    ([], "en_US.UTF-8", ["see what changed between two versions", "Start the compare service",
                         "Compare two local CSV or XLSX files"]),
    (["diff"], "zh_CN.UTF-8", ["基线版本的 CSV 或 XLSX 文件", "用来识别行的键列", "两边都只比较这个名称的 XLSX 工作表",
                               "最多显示多少处变化"]),
    (["diff"], "en_US.UTF-8", ["Baseline CSV or XLSX file", "Key column that identifies a row",
                               "XLSX sheet to compare on both sides", "Changes to print"]),
    (["diff"], "zh_CN.UTF-8", ["用法：", "参数：", "选项：", "--key COLUMN", "［默认：200；x>=0］", "［必填］",
                               "显示本帮助并退出。"]),
    (["diff"], "en_US.UTF-8", ["Usage: ", "Arguments:", "Options:", "--key COLUMN", "[default:",
                               "[required]", "Show this message and exit."]),
    (["compare"], "zh_CN.UTF-8", ["［环境变量：DOCDIFF_SERVER；默认："]),
    (["demo-site"], "zh_CN.UTF-8", ["用法：", "监听端口（默认：8765）", "调节项", "显示本帮助并退出"]),
    (["demo-site"], "en_US.UTF-8", ["usage: ", "port to listen on (default: 8765)", "knobs", "show this help"]),
])
def test_help_follows_lang(command, lang, expected):
    run = docdiff(*command, "--help", lang=lang)
    assert run.returncode == 0, run.stderr
    for text in expected:
        assert text in run.stdout


def test_chinese_help_has_no_english_sentences():
    run = docdiff("diff", "--help", lang="zh_CN.UTF-8")
    assert run.returncode == 0, run.stderr
    assert "Compare two local" not in run.stdout
    assert "Key column" not in run.stdout
    for word in ("Usage:", "Options:", "Arguments:", "[default:", "[required]", "Show this message"):
        assert word not in run.stdout
    site_help = docdiff("demo-site", "--help", lang="zh_CN.UTF-8")
    assert "port to listen on" not in site_help.stdout
    assert "usage:" not in site_help.stdout


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_parameter_has_help(lang):
    group = build_cli(lang)
    assert group.help
    for name, command in group.commands.items():
        assert command.help, name
        for parameter in command.params:
            assert parameter.help, f"{name} {parameter.name}"


def test_demo_runs_end_to_end():
    run = docdiff("demo", lang="en_US.UTF-8")
    assert run.returncode == 0, run.stderr
    assert "Target download" in run.stderr
    assert "1 modified (cells changed: 1)" in run.stdout
    assert "2025/8/24" in run.stdout
    assert "Next: run .venv/bin/docdiff demo-site" in run.stderr


def test_diff_writes_reports(tmp_path):
    xlsx, daff_csv = tmp_path / "report.xlsx", tmp_path / "diff.csv"
    run = docdiff("diff", SP500 / "baseline.csv", SP500 / "target.csv", "--xlsx", xlsx, "--daff", daff_csv)
    assert run.returncode == 1, run.stderr
    assert xlsx.read_bytes().startswith(b"PK")
    assert daff_csv.read_text(encoding="utf-8").startswith("@@,Symbol")


def test_compare_downloads_report(service, site, tmp_path):
    xlsx = tmp_path / "report.xlsx"
    run = docdiff(
        "compare", site.sheet("sp500-2024.baseline"), site.sheet("sp500-2024.target"),
        "--server", service.url, "--xlsx", xlsx, env={"DOCDIFF_COOKIE": site.cookie},
    )
    assert run.returncode == 1, run.stderr
    assert xlsx.read_bytes().startswith(b"PK")
