"""Load GPT-2-shaped weights into model.GPTModel the way the book's chapter 5
does. Run it: it stops with `AttributeError: 'LayerNorm' object has no
attribute 'scale'`. `paramlint check examples/gpt2-swap/` finds all six bad
lines without running anything.

The weights are synthetic (seeded random arrays of GPT-2's layout), so the
example needs no download.
"""
import numpy as np
import torch

from model import GPTModel

GPT_CONFIG_SMALL = {
    "vocab_size": 64,
    "context_length": 16,
    "emb_dim": 32,
    "n_heads": 4,
    "n_layers": 2,
    "qkv_bias": True,
}


def assign(left, right):
    """A new Parameter holding `right`, after checking it fits where `left` is."""
    if left.shape != right.shape:
        raise ValueError(f"shape mismatch: {tuple(left.shape)} vs {right.shape}")
    return torch.nn.Parameter(torch.tensor(right))


def load_weights_into_gpt(gpt, params):
    gpt.pos_emb.weight = assign(gpt.pos_emb.weight, params["wpe"])
    gpt.tok_emb.weight = assign(gpt.tok_emb.weight, params["wte"])

    for b in range(len(params["blocks"])):
        c_attn = params["blocks"][b]["attn"]["c_attn"]
        q_w, k_w, v_w = np.split(c_attn["w"], 3, axis=-1)
        gpt.trf_blocks[b].att.W_query.weight = assign(gpt.trf_blocks[b].att.W_query.weight, q_w.T)
        gpt.trf_blocks[b].att.W_key.weight = assign(gpt.trf_blocks[b].att.W_key.weight, k_w.T)
        gpt.trf_blocks[b].att.W_value.weight = assign(gpt.trf_blocks[b].att.W_value.weight, v_w.T)
        q_b, k_b, v_b = np.split(c_attn["b"], 3, axis=-1)
        gpt.trf_blocks[b].att.W_query.bias = assign(gpt.trf_blocks[b].att.W_query.bias, q_b)
        gpt.trf_blocks[b].att.W_key.bias = assign(gpt.trf_blocks[b].att.W_key.bias, k_b)
        gpt.trf_blocks[b].att.W_value.bias = assign(gpt.trf_blocks[b].att.W_value.bias, v_b)

        c_proj = params["blocks"][b]["attn"]["c_proj"]
        gpt.trf_blocks[b].att.out_proj.weight = assign(gpt.trf_blocks[b].att.out_proj.weight, c_proj["w"].T)
        gpt.trf_blocks[b].att.out_proj.bias = assign(gpt.trf_blocks[b].att.out_proj.bias, c_proj["b"])

        mlp = params["blocks"][b]["mlp"]
        gpt.trf_blocks[b].ff.layers[0].weight = assign(gpt.trf_blocks[b].ff.layers[0].weight, mlp["c_fc"]["w"].T)
        gpt.trf_blocks[b].ff.layers[0].bias = assign(gpt.trf_blocks[b].ff.layers[0].bias, mlp["c_fc"]["b"])
        gpt.trf_blocks[b].ff.layers[2].weight = assign(gpt.trf_blocks[b].ff.layers[2].weight, mlp["c_proj"]["w"].T)
        gpt.trf_blocks[b].ff.layers[2].bias = assign(gpt.trf_blocks[b].ff.layers[2].bias, mlp["c_proj"]["b"])

        # Written for the hand-written LayerNorm; nn.LayerNorm calls these weight/bias.
        gpt.trf_blocks[b].norm1.scale = assign(gpt.trf_blocks[b].norm1.scale, params["blocks"][b]["ln_1"]["g"])
        gpt.trf_blocks[b].norm1.shift = assign(gpt.trf_blocks[b].norm1.shift, params["blocks"][b]["ln_1"]["b"])
        gpt.trf_blocks[b].norm2.scale = assign(gpt.trf_blocks[b].norm2.scale, params["blocks"][b]["ln_2"]["g"])
        gpt.trf_blocks[b].norm2.shift = assign(gpt.trf_blocks[b].norm2.shift, params["blocks"][b]["ln_2"]["b"])

    gpt.final_norm.scale = assign(gpt.final_norm.scale, params["g"])
    gpt.final_norm.shift = assign(gpt.final_norm.shift, params["b"])
    gpt.out_head.weight = assign(gpt.out_head.weight, params["wte"])


def synthetic_gpt2_params(cfg, seed=0):
    """Seeded random arrays laid out like the GPT-2 checkpoint the book downloads."""
    rng = np.random.default_rng(seed)
    d = cfg["emb_dim"]

    def t(*shape):
        return (0.02 * rng.standard_normal(shape)).astype(np.float32)

    def block():
        return {
            "attn": {"c_attn": {"w": t(d, 3 * d), "b": t(3 * d)}, "c_proj": {"w": t(d, d), "b": t(d)}},
            "mlp": {"c_fc": {"w": t(d, 4 * d), "b": t(4 * d)}, "c_proj": {"w": t(4 * d, d), "b": t(d)}},
            "ln_1": {"g": 1.0 + t(d), "b": t(d)},
            "ln_2": {"g": 1.0 + t(d), "b": t(d)},
        }

    return {
        "wte": t(cfg["vocab_size"], d),
        "wpe": t(cfg["context_length"], d),
        "blocks": [block() for _ in range(cfg["n_layers"])],
        "g": 1.0 + t(d),
        "b": t(d),
    }


def main():
    torch.manual_seed(123)
    gpt = GPTModel(GPT_CONFIG_SMALL)
    params = synthetic_gpt2_params(GPT_CONFIG_SMALL)
    load_weights_into_gpt(gpt, params)
    gpt.eval()
    with torch.no_grad():
        logits = gpt(torch.tensor([[1, 2, 3, 4]]))
    print("logits", tuple(logits.shape))


if __name__ == "__main__":
    main()
