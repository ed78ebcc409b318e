#!/usr/bin/env python3
"""Checks that the C++ sources stay readable in size (README "Layout"): no file over 800 lines
and no function over 80 lines in core/, web/, tools/, tests/ and bench/.

A function is a brace block whose head ends in a parameter list at namespace or class level
(lambdas and nested blocks count with the function that holds them). Comments, strings and
preprocessor lines are blanked first, so braces inside them do not count. Table code — a
brace-initialised array or vector — is not a function and is not limited.

Prints every file and function over its limit and exits 1 when there is one; with --list,
prints the longest ten functions too. Run by ctest (sizes_check) and by hand.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FOLDERS = ["core", "web", "tools", "tests", "bench"]
MAX_FILE_LINES = 800
MAX_FUNCTION_LINES = 80


def blank(text, start, end):
    """The text with [start, end) replaced by spaces, newlines kept (line numbers stay)."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def code_only(text):
    """Comments, string and character literals (raw strings too) and preprocessor lines blanked."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            if not m:
                out.append(text[i])
                i += 1
                continue
            close = ")" + m.group(1) + '"'
            j = text.find(close, i)
            j = n if j < 0 else j + len(close)
        elif text[i] in "\"'":
            j = i + 1
            while j < n and text[j] != text[i] and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
        else:
            out.append(text[i])
            i += 1
            continue
        out.append(re.sub(r"[^\n]", " ", text[i:j]))
        i = j
    code = "".join(out)
    return re.sub(r"(?m)^[ \t]*#.*$", lambda m: " " * len(m.group(0)), code)


def functions(path):
    """(lines, first line, head) of every function body in a C++ file."""
    with open(path, encoding="utf-8") as f:
        code = code_only(f.read())
    found, stack, head_start = [], [], 0  # stack: (kind, offset of '{')
    for i, ch in enumerate(code):
        if ch == ";":
            head_start = i + 1
        elif ch == "{":
            head = code[head_start:i].strip()
            if any(kind == "function" for kind, _ in stack):
                kind = "block"
            elif re.match(r"^(inline\s+)?namespace\b", head) or head.startswith("extern"):
                kind = "scope"
            elif re.search(r"\b(class|struct|union|enum)\b[^()]*$", head):
                kind = "scope"  # member functions inside are functions
            elif head.endswith(")") or re.search(r"\)\s*(const|override|final|noexcept|->[^=]*)*\s*$", head) \
                    or re.search(r"\)\s*:", head):
                kind = "function"
            else:
                kind = "block"  # an initialiser list, a table
            stack.append((kind, i))
            head_start = i + 1
        elif ch == "}":
            if not stack:
                continue
            kind, start = stack.pop()
            if kind == "function":
                first = code.count("\n", 0, start) + 1
                last = code.count("\n", 0, i) + 1
                head_line = code[:start].rstrip().split("\n")[-1].strip()
                found.append((last - first + 1, first, head_line[:80]))
            head_start = i + 1
    return found


def main():
    too_long, all_functions = [], []
    for folder in FOLDERS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, folder)):
            dirnames[:] = [d for d in dirnames if d not in ("corpus", "node_modules")]
            for name in sorted(filenames):
                if not name.endswith((".h", ".cpp")):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, ROOT)
                with open(path, encoding="utf-8") as f:
                    lines = f.read().count("\n")
                if lines > MAX_FILE_LINES:
                    too_long.append(f"{rel}: {lines} lines (at most {MAX_FILE_LINES})")
                for length, first, head in functions(path):
                    all_functions.append((length, f"{rel}:{first}", head))
                    if length > MAX_FUNCTION_LINES:
                        too_long.append(f"{rel}:{first}: {head} — {length} lines (at most {MAX_FUNCTION_LINES})")
    all_functions.sort(reverse=True)
    if "--list" in sys.argv:
        for length, where, head in all_functions[:10]:
            print(f"{length:5d}  {where}  {head}")
    print(f"{len(all_functions)} functions; the longest has {all_functions[0][0]} lines")
    for line in too_long:
        print(line)
    return 1 if too_long else 0


if __name__ == "__main__":
    sys.exit(main())
