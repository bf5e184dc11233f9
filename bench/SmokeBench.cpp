//===- bench/SmokeBench.cpp - CI guard: check stays near the parse floor --===//
///
/// \file
/// A coarse regression guard for CI, not the performance target (that is
/// CheckBench on a real corpus): generates a deterministic corpus of model
/// code, weight loaders and key-conversion scripts, times a bare
/// tree-sitter parse of it and the whole `check` (analyze() with every rule,
/// one thread) in this process, and fails when `check` takes more than
/// twice the parse. Times are this thread's CPU time, the best of several
/// interleaved repetitions, so a loaded machine moves both alike.
///
/// Usage: smoke_bench [WORK_DIR] — the corpus is written under WORK_DIR
/// (default: a new directory in the system's temporary directory) and
/// removed afterwards.
///
//===----------------------------------------------------------------------===//
#include "Analysis.h"
#include "python/PythonFrontend.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace paramlint;
namespace fs = std::filesystem;

namespace {

/// check / parse above this fails the guard.
constexpr double MaxRatio = 2.0;
/// Model families; each has a model, a loader, a conversion script and a
/// utility module, so the corpus has 4 * Families files.
constexpr int Families = 60;
constexpr int Repetitions = 5;

double threadSeconds() {
  timespec T;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &T);
  return static_cast<double>(T.tv_sec) + static_cast<double>(T.tv_nsec) * 1e-9;
}

std::string modelFile(int I) {
  // Family 7 and every 11th use the book's norm names in the loader while
  // the block holds nn.LayerNorm: real findings for the checks to report.
  return fmt::format(R"(import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class LayerNorm{0}(nn.Module):
    """A hand-written LayerNorm with the book's parameter names."""

    def __init__(self, emb_dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.scale = nn.Parameter(torch.ones(emb_dim))
        self.shift = nn.Parameter(torch.zeros(emb_dim))

    def forward(self, x):
        mean = x.mean(dim=-1, keepdim=True)
        var = x.var(dim=-1, keepdim=True, unbiased=False)
        norm_x = (x - mean) / torch.sqrt(var + self.eps)
        return self.scale * norm_x + self.shift


class Attention{0}(nn.Module):
    def __init__(self, d_in, d_out, num_heads, dropout=0.0, qkv_bias=False):
        super().__init__()
        assert d_out % num_heads == 0, "d_out must be divisible by num_heads"
        self.d_out = d_out
        self.num_heads = num_heads
        self.head_dim = d_out // num_heads
        self.W_query = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_key = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_value = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.out_proj = nn.Linear(d_out, d_out)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        b, num_tokens, d_in = x.shape
        keys = self.W_key(x).view(b, num_tokens, self.num_heads, self.head_dim)
        queries = self.W_query(x).view(b, num_tokens, self.num_heads, self.head_dim)
        values = self.W_value(x).view(b, num_tokens, self.num_heads, self.head_dim)
        keys, queries, values = (t.transpose(1, 2) for t in (keys, queries, values))
        scores = queries @ keys.transpose(2, 3) / math.sqrt(self.head_dim)
        mask = torch.triu(torch.ones(num_tokens, num_tokens), diagonal=1).bool()
        scores = scores.masked_fill(mask, -torch.inf)
        weights = self.dropout(torch.softmax(scores, dim=-1))
        context = (weights @ values).transpose(1, 2).reshape(b, num_tokens, self.d_out)
        return self.out_proj(context)


class Block{0}(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.att = Attention{0}(cfg["emb_dim"], cfg["emb_dim"], cfg["n_heads"],
                                cfg["drop_rate"], cfg["qkv_bias"])
        self.ff = nn.Sequential(nn.Linear(cfg["emb_dim"], 4 * cfg["emb_dim"]),
                                nn.GELU(),
                                nn.Linear(4 * cfg["emb_dim"], cfg["emb_dim"]))
        self.norm1 = {1}(cfg["emb_dim"])
        self.norm2 = {1}(cfg["emb_dim"])
        self.drop_shortcut = nn.Dropout(cfg["drop_rate"])

    def forward(self, x):
        x = x + self.drop_shortcut(self.att(self.norm1(x)))
        return x + self.drop_shortcut(self.ff(self.norm2(x)))


class Model{0}(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.tok_emb = nn.Embedding(cfg["vocab_size"], cfg["emb_dim"])
        self.pos_emb = nn.Embedding(cfg["context_length"], cfg["emb_dim"])
        self.drop_emb = nn.Dropout(cfg["drop_rate"])
        self.trf_blocks = nn.Sequential(*[Block{0}(cfg) for _ in range(cfg["n_layers"])])
        self.final_norm = {1}(cfg["emb_dim"])
        self.out_head = nn.Linear(cfg["emb_dim"], cfg["vocab_size"], bias=False)

    def forward(self, in_idx):
        batch_size, seq_len = in_idx.shape
        pos = torch.arange(seq_len, device=in_idx.device)
        x = self.drop_emb(self.tok_emb(in_idx) + self.pos_emb(pos))
        x = self.final_norm(self.trf_blocks(x))
        return self.out_head(x)
)",
                     I, I % 11 == 7 ? "nn.LayerNorm" : fmt::format("LayerNorm{}", I));
}

std::string loaderFile(int I) {
  return fmt::format(R"(import numpy as np
import torch

from model_{0} import Model{0}


def assign(left, right):
    if left.shape != right.shape:
        raise ValueError(f"Shape mismatch. Left: {{left.shape}}, Right: {{right.shape}}")
    return torch.nn.Parameter(torch.tensor(right))


def load_weights_into_model(gpt, params):
    gpt.pos_emb.weight = assign(gpt.pos_emb.weight, params["wpe"])
    gpt.tok_emb.weight = assign(gpt.tok_emb.weight, params["wte"])
    for b in range(len(params["blocks"])):
        q_w, k_w, v_w = np.split(params["blocks"][b]["attn"]["c_attn"]["w"], 3, axis=-1)
        gpt.trf_blocks[b].att.W_query.weight = assign(gpt.trf_blocks[b].att.W_query.weight, q_w.T)
        gpt.trf_blocks[b].att.W_key.weight = assign(gpt.trf_blocks[b].att.W_key.weight, k_w.T)
        gpt.trf_blocks[b].att.W_value.weight = assign(gpt.trf_blocks[b].att.W_value.weight, v_w.T)
        gpt.trf_blocks[b].att.out_proj.weight = assign(
            gpt.trf_blocks[b].att.out_proj.weight,
            params["blocks"][b]["attn"]["c_proj"]["w"].T)
        gpt.trf_blocks[b].ff[0].weight = assign(
            gpt.trf_blocks[b].ff[0].weight, params["blocks"][b]["mlp"]["c_fc"]["w"].T)
        gpt.trf_blocks[b].ff[2].weight = assign(
            gpt.trf_blocks[b].ff[2].weight, params["blocks"][b]["mlp"]["c_proj"]["w"].T)
        gpt.trf_blocks[b].norm1.scale = assign(
            gpt.trf_blocks[b].norm1.scale, params["blocks"][b]["ln_1"]["g"])
        gpt.trf_blocks[b].norm1.shift = assign(
            gpt.trf_blocks[b].norm1.shift, params["blocks"][b]["ln_1"]["b"])
        gpt.trf_blocks[b].norm2.scale = assign(
            gpt.trf_blocks[b].norm2.scale, params["blocks"][b]["ln_2"]["g"])
        gpt.trf_blocks[b].norm2.shift = assign(
            gpt.trf_blocks[b].norm2.shift, params["blocks"][b]["ln_2"]["b"])
    gpt.final_norm.scale = assign(gpt.final_norm.scale, params["g"])
    gpt.final_norm.shift = assign(gpt.final_norm.shift, params["b"])
    gpt.out_head.weight = assign(gpt.out_head.weight, params["wte"])


def main(settings, params):
    cfg = dict(vocab_size=50257, context_length=1024, emb_dim=768, n_heads=12,
               n_layers=12, drop_rate=0.0, qkv_bias=True)
    gpt = Model{0}(cfg)
    load_weights_into_model(gpt, params)
    return gpt
)",
                     I);
}

std::string convertFile(int I) {
  return fmt::format(R"(import re

import torch


RENAMES = {{
    "ln_1.g": "norm1.scale",
    "ln_1.b": "norm1.shift",
    "ln_2.g": "norm2.scale",
    "ln_2.b": "norm2.shift",
}}


def convert_state_dict(checkpoint, n_layers):
    new_state_dict = {{}}
    new_state_dict["tok_emb.weight"] = checkpoint["wte"]
    new_state_dict["pos_emb.weight"] = checkpoint["wpe"]
    for i in range(n_layers):
        prefix = f"trf_blocks.{{i}}"
        new_state_dict[f"{{prefix}}.att.W_query.weight"] = checkpoint[f"h.{{i}}.attn.q.w"]
        new_state_dict[f"{{prefix}}.att.W_key.weight"] = checkpoint[f"h.{{i}}.attn.k.w"]
        new_state_dict[f"{{prefix}}.att.W_value.weight"] = checkpoint[f"h.{{i}}.attn.v.w"]
        new_state_dict[f"{{prefix}}.att.out_proj.weight"] = checkpoint[f"h.{{i}}.attn.proj.w"]
        new_state_dict[f"{{prefix}}.att.out_proj.bias"] = checkpoint[f"h.{{i}}.attn.proj.b"]
        new_state_dict[f"{{prefix}}.ff.0.weight"] = checkpoint[f"h.{{i}}.mlp.fc.w"]
        new_state_dict[f"{{prefix}}.ff.2.weight"] = checkpoint[f"h.{{i}}.mlp.proj.w"]
        for old, new in RENAMES.items():
            new_state_dict[f"{{prefix}}.{{new}}"] = checkpoint[f"h.{{i}}.{{old}}"]
    new_state_dict["final_norm.scale"] = checkpoint["ln_f.g"]
    new_state_dict["final_norm.shift"] = checkpoint["ln_f.b"]
    new_state_dict["out_head.weight"] = checkpoint["wte"]
    return new_state_dict


def rename_key(key):
    key = re.sub(r"^h\.(\d+)\.", r"trf_blocks.\1.", key)
    return key.replace("ln_f", "final_norm")
)");
}

std::string utilityFile(int I) {
  // Plain Python with no model in it: the bulk of a real repository.
  std::string S = "import json\nimport os\n\n";
  for (int F = 0; F < 12; ++F)
    S += fmt::format(R"(
def schedule_{0}_{1}(step, warmup=1000, total=100000, base_lr=3e-4):
    if step < warmup:
        return base_lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    values = [base_lr * 0.5 * (1.0 + x) for x in (progress, 1 - progress)]
    config = {{"step": step, "lr": values[0], "name": "run_{0}_{1}"}}
    with open(os.path.join("logs", f"{{step}}.json"), "w") as handle:
        json.dump(config, handle)
    return min(values)
)",
                     I, F);
  return S;
}

struct Timing {
  double Parse = 1e9, Check = 1e9;
  size_t Findings = 0, Files = 0;
};

} // namespace

int main(int Argc, char **Argv) {
  fs::path Dir = Argc > 1 ? fs::path(Argv[1])
                          : fs::temp_directory_path() /
                                fmt::format("paramlint-smoke-{}", ::getpid());
  std::error_code EC;
  fs::create_directories(Dir, EC);
  if (EC) {
    std::fprintf(stderr, "smoke_bench: cannot create %s: %s\n", Dir.c_str(),
                 EC.message().c_str());
    return 2;
  }
  std::vector<std::string> Texts;
  auto Write = [&](const std::string &Name, std::string Text) {
    std::ofstream(Dir / Name, std::ios::binary) << Text;
    Texts.push_back(std::move(Text));
  };
  for (int I = 0; I < Families; ++I) {
    Write(fmt::format("model_{}.py", I), modelFile(I));
    Write(fmt::format("load_{}.py", I), loaderFile(I));
    Write(fmt::format("convert_{}.py", I), convertFile(I));
    Write(fmt::format("utils_{}.py", I), utilityFile(I));
  }
  size_t Bytes = 0;
  for (const std::string &T : Texts)
    Bytes += T.size();

  AnalysisOptions Options;
  Options.Jobs = 1;
  Timing Best;
  for (int R = 0; R < Repetitions; ++R) {
    double Start = threadSeconds();
    size_t Nodes = 0;
    for (const std::string &T : Texts)
      Nodes += parsePythonOnly(T);
    Best.Parse = std::min(Best.Parse, threadSeconds() - Start);
    if (Nodes == 0) {
      std::fprintf(stderr, "smoke_bench: the parse produced no nodes\n");
      return 2;
    }
    Start = threadSeconds();
    auto Result = analyze({Dir.string()}, Options);
    Best.Check = std::min(Best.Check, threadSeconds() - Start);
    if (!Result) {
      std::fprintf(stderr, "smoke_bench: %s\n",
                   llvm::toString(Result.takeError()).c_str());
      return 2;
    }
    Best.Findings = (*Result)->Diagnostics.size();
    Best.Files = (*Result)->InputCount;
  }
  fs::remove_all(Dir, EC);

  double Ratio = Best.Check / Best.Parse;
  std::printf("smoke_bench: %zu files, %.1f MB; bare parse %.3f s, check %.3f s "
              "(thread CPU, best of %d); check/parse %.2fx (guard %.1fx); "
              "%zu findings\n",
              Best.Files, static_cast<double>(Bytes) / 1e6, Best.Parse,
              Best.Check, Repetitions, Ratio, MaxRatio, Best.Findings);
  // The corpus holds real bugs: a check that found none analysed nothing.
  if (Best.Files != Texts.size() || Best.Findings == 0) {
    std::fprintf(stderr, "smoke_bench: expected %zu files and findings\n",
                 Texts.size());
    return 1;
  }
  return Ratio > MaxRatio ? 1 : 0;
}
