"""Exit 0 when two checkpoint folders hold the same training state, bit for bit:
every tensor of model.h5 (weights, EMA, optimizer, puzzle table) and of each
rank file (carry, exploration generator), and the same data position. Records
that name the run (config, with its run_dir) and the clock (train_seconds) are
not compared. Usage: same_state.py CHECKPOINT_A CHECKPOINT_B"""
import json
import sys

import h5py
import numpy as np


def tensors(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
        cursor = f.attrs.get("loader_cursor")
        if cursor is not None:
            out["attr:loader_cursor"] = np.asarray(cursor)
    return out


def main(a, b):
    files = json.load(open(f"{a}/COMPLETE"))["files"]
    if sorted(files) != sorted(json.load(open(f"{b}/COMPLETE"))["files"]):
        print(f"{a} and {b} hold different files")
        return 1
    differ = 0
    for name in sorted(files):
        ta, tb = tensors(f"{a}/{name}"), tensors(f"{b}/{name}")
        if sorted(ta) != sorted(tb):
            print(f"{name}: different tensors")
            return 1
        for key in ta:
            if not np.array_equal(ta[key], tb[key]):
                print(f"{name}: {key} differs")
                differ += 1
    print(f"compared {len(files)} files: {'same' if differ == 0 else f'{differ} tensors differ'}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
