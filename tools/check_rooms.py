#!/usr/bin/env python3
"""Checks that the rooms of core/ and web/ include only downwards (README "Layout").

A file may include headers of its own room and of the rooms below it, never above or beside:
  core:  base < kernels, formats < nn, data < train < app, study
  web:   platform, widgets < state < panels, api < main.cpp (the loop); any room may include the
         core and third-party headers (Dear ImGui, SDL2, the generated shader header)
Prints the import map between rooms (how many includes run from one room to another) and exits
1 naming every include that runs up or sideways. Run by ctest (rooms_check) and by hand.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# rank: a room may include rooms of a lower rank, and itself.
CORE = {"base": 0, "kernels": 1, "formats": 1, "nn": 2, "data": 2, "train": 3, "app": 4, "study": 4}
WEB = {"platform": 0, "widgets": 0, "state": 1, "panels": 2, "api": 2, "": 3}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def check_tree(tree, ranks, arrows, bad):
    """Counts the includes between the rooms of one tree (core or web) into `arrows` and names
    each one that runs up or sideways in `bad`. In core every include must name a core room; in
    web, includes of the core and third-party headers (no room: no '/', or not a room) are free."""
    for room in ranks:
        folder = os.path.join(ROOT, tree, room)
        where_room = f"{tree}/{room}" if room else tree
        if not os.path.isdir(folder):
            bad.append(f"{where_room}: the room is missing")
            continue
        for name in sorted(os.listdir(folder)):
            if not name.endswith((".h", ".cpp")):
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                text = f.read()
            for inc in INCLUDE.findall(text):
                top = inc.split("/")[0] if "/" in inc else None
                if tree == "web" and (top in CORE or top not in ranks):
                    continue  # the core, or a third-party / generated header
                if top not in ranks:
                    bad.append(f"{where_room}/{name}: includes \"{inc}\", which is not in a {tree} room")
                    continue
                key = (label(tree, room), label(tree, top))
                arrows[key] = arrows.get(key, 0) + 1
                if top != room and ranks[top] >= ranks[room]:
                    bad.append(f"{where_room}/{name}: includes {inc} ({key[1]} is not below {key[0]})")


def label(tree, room):
    return room if tree == "core" else "web/" + (room or "main.cpp")


def main():
    arrows, bad = {}, []
    check_tree("core", CORE, arrows, bad)
    check_tree("web", WEB, arrows, bad)
    for name in os.listdir(os.path.join(ROOT, "core")):
        if os.path.isfile(os.path.join(ROOT, "core", name)):
            bad.append(f"core/{name}: a file outside the rooms")
    def rank(room):
        return CORE[room] if room in CORE else 10 + WEB[room[4:].replace("main.cpp", "")]
    print("import map of core/ and web/ (from → to: includes):")
    for (a, b), n in sorted(arrows.items(), key=lambda kv: (rank(kv[0][0]), kv[0])):
        if a != b:
            print(f"  {a:12s} → {b:12s} {n}")
    if bad:
        print("\n".join(["includes that run up or sideways:"] + ["  " + b for b in bad]))
        return 1
    print("no include runs up or sideways")
    return 0


if __name__ == "__main__":
    sys.exit(main())
