#!/usr/bin/env python3
"""PyTorch timing of CORL's default offline update steps (IQL, TD3+BC, AWAC, CQL).

Written for offrl issue #8 from the formulas in shared/reference/algorithms.md and the method of
shared/reference/performance.md sections 3-4; it follows the structure of CORL's
algorithms/offline/{iql,td3_bc,awac,cql}.py (the same networks, optimisers, no_grad blocks, order
of backward/step calls and number of .item() logging calls) at their default sizes, but it is an
independent implementation, not CORL's code.

Sizes: halfcheetah (observations 17, actions 6), batch 256, a replay buffer of 100 000 random
transitions sampled before each update (sampling is timed separately and not part of the update).
Each update is timed with perf_counter around the trainer's update call, .item() calls included.
Median over N updates after W warm-up updates (defaults 200 after 30; CQL 100 after 30). TD3+BC
alternates critic-only and critic+actor steps, so its figure is the median over consecutive
(odd, even) pairs divided by 2.

Prints one JSON object per line. Run with Debian's interpreter (/usr/bin/python3) and torch:

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch/corl_updates.py --threads 1

OPENBLAS_NUM_THREADS (and OMP_NUM_THREADS) default to --threads when unset; they must be set
before torch loads, which this script does before importing it. --flops counts the matmul FLOPs of
one update per algorithm (forward and backward) and compares them with performance.md's formula.
"""

import argparse
import copy
import json
import math
import os
import statistics
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--algos", default="iql,td3bc,awac,cql")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--updates", type=int, default=200)
    p.add_argument("--cql-updates", type=int, default=100)
    p.add_argument("--warmup", type=int, default=30)
    p.add_argument("--buffer", type=int, default=100_000)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--flops", action="store_true", help="count matmul FLOPs of one update instead of timing")
    p.add_argument("--gemm", action="store_true", help="measure square fp32 GEMM GFLOP/s instead")
    p.add_argument("--tag", default=None, help="free-form label copied into every record (e.g. round=3)")
    return p.parse_args()


ARGS = parse_args()
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(ARGS.threads))
os.environ.setdefault("OMP_NUM_THREADS", str(ARGS.threads))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(ARGS.threads)

OBS, ACT = 17, 6
LOG_2PI = math.log(2.0 * math.pi)


def blas_in_use():
    """Which BLAS library the process has mapped (torch loads it lazily: call after a matmul)."""
    try:
        with open("/proc/self/maps") as f:
            maps = f.read()
    except OSError:
        return "unknown"
    if "openblas" in maps:
        return "openblas"
    if "libmkl" in maps:
        return "mkl"
    if "libblas.so" in maps:
        return "reference"
    return "unknown"


# ----------------------------------------------------------------------------- shared parts


def mlp(sizes, out_act=None):
    """Linear layers with ReLU between them; optional output activation module."""
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    if out_act is not None:
        layers.append(out_act)
    return nn.Sequential(*layers)


class QNet(nn.Module):
    """Q(s, a) on the concatenation [s, a]; returns shape [B] (CORL squeezes the last axis)."""

    def __init__(self, hidden):
        super().__init__()
        self.body = mlp([OBS + ACT, *hidden, 1])

    def forward(self, s, a):
        return self.body(torch.cat([s, a], dim=-1)).squeeze(-1)


def polyak(target, source, rate):
    # Same arithmetic as CORL's soft_update: target <- (1 - rate) * target + rate * source.
    with torch.no_grad():
        for t, p in zip(target.parameters(), source.parameters()):
            t.copy_(t * (1.0 - rate) + p * rate)


def frozen_copy(module):
    """A target network: an independent copy (parameters keep requires_grad, as in CORL)."""
    return copy.deepcopy(module)


def gaussian_log_prob(x, mean, log_std):
    """Diagonal Normal log-density summed over the last axis."""
    z = (x - mean) * torch.exp(-log_std)
    return (-0.5 * z * z - log_std - 0.5 * LOG_2PI).sum(-1)


class ReplayBuffer:
    """100k random transitions as torch tensors; sampled with numpy indices like CORL's buffer."""

    def __init__(self, size, seed):
        g = torch.Generator().manual_seed(seed + 1)
        self.size = size
        self.s = torch.randn(size, OBS, generator=g)
        self.a = torch.rand(size, ACT, generator=g) * 2 - 1
        self.r = torch.randn(size, 1, generator=g)
        self.s2 = torch.randn(size, OBS, generator=g)
        self.d = (torch.rand(size, 1, generator=g) < 0.001).float()
        self.rng = np.random.default_rng(seed + 2)

    def sample(self, n):
        idx = torch.from_numpy(self.rng.integers(0, self.size, size=n))
        return [self.s[idx], self.a[idx], self.r[idx], self.s2[idx], self.d[idx]]


# ----------------------------------------------------------------------------- IQL


class IQL:
    """Twin Q 2x256, V 2x256, Gaussian actor 2x256 (tanh mean, state-independent log std in
    [-20, 2]); expectile 0.7, beta 3, exp-advantage clipped at 100, Adam 3e-4 for all three,
    cosine decay of the actor's rate over 1e6 steps, Polyak 0.005 on the Q targets."""

    def __init__(self, expectile=0.7, beta=3.0, gamma=0.99, rate=0.005, lr=3e-4, steps=1_000_000):
        h = [256, 256]
        self.q1, self.q2 = QNet(h), QNet(h)
        self.q1_targ, self.q2_targ = frozen_copy(self.q1), frozen_copy(self.q2)
        for p in [*self.q1_targ.parameters(), *self.q2_targ.parameters()]:
            p.requires_grad_(False)
        self.v = mlp([OBS, *h, 1])
        self.mean_net = mlp([OBS, *h, ACT], nn.Tanh())
        self.log_std = nn.Parameter(torch.zeros(ACT))
        self.v_opt = torch.optim.Adam(self.v.parameters(), lr=lr)
        self.q_opt = torch.optim.Adam([*self.q1.parameters(), *self.q2.parameters()], lr=lr)
        self.pi_opt = torch.optim.Adam([*self.mean_net.parameters(), self.log_std], lr=lr)
        self.pi_sched = torch.optim.lr_scheduler.CosineAnnealingLR(self.pi_opt, steps)
        self.expectile, self.beta, self.gamma, self.rate = expectile, beta, gamma, rate
        self.it = 0

    def update(self, batch):
        s, a, r, s2, d = batch
        self.it += 1
        log = {}
        with torch.no_grad():
            v_next = self.v(s2).squeeze(-1)
        # V: expectile regression towards min of the target critics.
        with torch.no_grad():
            q_min = torch.min(self.q1_targ(s, a), self.q2_targ(s, a))
        diff = q_min - self.v(s).squeeze(-1)
        weight = torch.abs(self.expectile - (diff < 0).float())
        v_loss = (weight * diff.pow(2)).mean()
        log["value_loss"] = v_loss.item()
        self.v_opt.zero_grad()
        v_loss.backward()
        self.v_opt.step()
        # Q: regression on r + gamma (1 - d) V(s').
        y = r.squeeze(-1) + (1.0 - d.squeeze(-1)) * self.gamma * v_next.detach()
        q_loss = (F.mse_loss(self.q1(s, a), y) + F.mse_loss(self.q2(s, a), y)) / 2
        log["q_loss"] = q_loss.item()
        self.q_opt.zero_grad()
        q_loss.backward()
        self.q_opt.step()
        polyak(self.q1_targ, self.q1, self.rate)
        polyak(self.q2_targ, self.q2, self.rate)
        # Actor: advantage-weighted log-likelihood of the data actions.
        w = torch.exp(self.beta * diff.detach()).clamp(max=100.0)
        mean = self.mean_net(s)
        log_std = self.log_std.clamp(-20.0, 2.0)
        nll = -gaussian_log_prob(a, mean, log_std)
        pi_loss = (w * nll).mean()
        log["actor_loss"] = pi_loss.item()
        self.pi_opt.zero_grad()
        pi_loss.backward()
        self.pi_opt.step()
        self.pi_sched.step()
        return log


# ----------------------------------------------------------------------------- TD3+BC


class TD3BC:
    """Actor 2x256 with tanh output, two critics 2x256 with an optimiser each; target policy
    noise 0.2 clipped at 0.5, alpha 2.5, actor and targets every 2nd step, Polyak 0.005."""

    def __init__(self, gamma=0.99, rate=0.005, noise=0.2, noise_clip=0.5, alpha=2.5, freq=2, lr=3e-4):
        h = [256, 256]
        self.pi = mlp([OBS, *h, ACT], nn.Tanh())
        self.pi_targ = frozen_copy(self.pi)
        self.q1, self.q2 = QNet(h), QNet(h)
        self.q1_targ, self.q2_targ = frozen_copy(self.q1), frozen_copy(self.q2)
        self.pi_opt = torch.optim.Adam(self.pi.parameters(), lr=lr)
        self.q1_opt = torch.optim.Adam(self.q1.parameters(), lr=lr)
        self.q2_opt = torch.optim.Adam(self.q2.parameters(), lr=lr)
        self.gamma, self.rate, self.noise, self.noise_clip = gamma, rate, noise, noise_clip
        self.alpha, self.freq = alpha, freq
        self.it = 0

    def update(self, batch):
        s, a, r, s2, d = batch
        self.it += 1
        log = {}
        with torch.no_grad():
            eps = (torch.randn_like(a) * self.noise).clamp(-self.noise_clip, self.noise_clip)
            a2 = (self.pi_targ(s2) + eps).clamp(-1.0, 1.0)
            q_next = torch.min(self.q1_targ(s2, a2), self.q2_targ(s2, a2)).unsqueeze(-1)
            y = r + (1.0 - d) * self.gamma * q_next
        y = y.squeeze(-1)
        c_loss = F.mse_loss(self.q1(s, a), y) + F.mse_loss(self.q2(s, a), y)
        log["critic_loss"] = c_loss.item()
        self.q1_opt.zero_grad()
        self.q2_opt.zero_grad()
        c_loss.backward()
        self.q1_opt.step()
        self.q2_opt.step()
        if self.it % self.freq == 0:
            act = self.pi(s)
            q = self.q1(s, act)
            scale = self.alpha / q.abs().mean().detach()
            pi_loss = -scale * q.mean() + F.mse_loss(act, a)
            log["actor_loss"] = pi_loss.item()
            self.pi_opt.zero_grad()
            pi_loss.backward()
            self.pi_opt.step()
            polyak(self.q1_targ, self.q1, self.rate)
            polyak(self.q2_targ, self.q2, self.rate)
            polyak(self.pi_targ, self.pi, self.rate)
        return log


# ----------------------------------------------------------------------------- AWAC


class AWAC:
    """Gaussian actor 3x256 (unsquashed mean, state-independent log std in [-20, 2], samples
    clamped to [-1, 1]), two critics 3x256 with an optimiser each, lambda 1, weights clipped at
    100, Adam 3e-4, Polyak 0.005 every step."""

    def __init__(self, gamma=0.99, rate=0.005, lam=1.0, lr=3e-4):
        h = [256, 256, 256]
        self.mean_net = mlp([OBS, *h, ACT])
        self.log_std = nn.Parameter(torch.zeros(ACT))
        self.q1, self.q2 = QNet(h), QNet(h)
        self.q1_targ, self.q2_targ = frozen_copy(self.q1), frozen_copy(self.q2)
        self.pi_opt = torch.optim.Adam([*self.mean_net.parameters(), self.log_std], lr=lr)
        self.q1_opt = torch.optim.Adam(self.q1.parameters(), lr=lr)
        self.q2_opt = torch.optim.Adam(self.q2.parameters(), lr=lr)
        self.gamma, self.rate, self.lam = gamma, rate, lam
        self.it = 0

    def _dist(self, s):
        return self.mean_net(s), self.log_std.clamp(-20.0, 2.0)

    def _sample(self, s):
        """Reparameterised sample clamped to the action box, and its log-density (as CORL's
        forward computes it, though neither update uses the density)."""
        mean, log_std = self._dist(s)
        x = mean + torch.exp(log_std) * torch.randn_like(mean)
        x = x.clamp(-1.0, 1.0)
        return x, gaussian_log_prob(x, mean, log_std)

    def update(self, batch):
        s, a, r, s2, d = batch
        self.it += 1
        # Critics.
        with torch.no_grad():
            a2, _ = self._sample(s2)
            q_next = torch.min(self.q1_targ(s2, a2), self.q2_targ(s2, a2)).unsqueeze(-1)
            y = r + self.gamma * (1.0 - d) * q_next
        c_loss = F.mse_loss(self.q1(s, a).unsqueeze(-1), y) + F.mse_loss(self.q2(s, a).unsqueeze(-1), y)
        self.q1_opt.zero_grad()
        self.q2_opt.zero_grad()
        c_loss.backward()
        self.q1_opt.step()
        self.q2_opt.step()
        critic_loss = c_loss.item()
        # Actor: exp(A / lambda)-weighted log-likelihood, A = Q(s, a) - Q(s, pi(s)).
        with torch.no_grad():
            a_pi, _ = self._sample(s)
            baseline = torch.min(self.q1(s, a_pi), self.q2(s, a_pi))
            q_data = torch.min(self.q1(s, a), self.q2(s, a))
            w = torch.exp((q_data - baseline) / self.lam).clamp(max=100.0)
        mean, log_std = self._dist(s)
        pi_loss = (-gaussian_log_prob(a, mean, log_std) * w).mean()
        self.pi_opt.zero_grad()
        pi_loss.backward()
        self.pi_opt.step()
        actor_loss = pi_loss.item()
        polyak(self.q1_targ, self.q1, self.rate)
        polyak(self.q2_targ, self.q2, self.rate)
        return {"critic_loss": critic_loss, "actor_loss": actor_loss}


# ----------------------------------------------------------------------------- CQL


class LearnedScalar(nn.Module):
    def __init__(self, value):
        super().__init__()
        self.value = nn.Parameter(torch.tensor(float(value)))

    def forward(self):
        return self.value


def orthogonal_critic_init(seq):
    """CORL's critic init: orthogonal gain sqrt(2) and zero bias inside, gain 1e-2 at the end."""
    linears = [m for m in seq if isinstance(m, nn.Linear)]
    for m in linears[:-1]:
        nn.init.orthogonal_(m.weight, gain=math.sqrt(2.0))
        nn.init.zeros_(m.bias)
    nn.init.orthogonal_(linears[-1].weight, gain=1e-2)
    nn.init.zeros_(linears[-1].bias)


class CQLQ(nn.Module):
    """Q 3x256 that also takes [B, n, act] action sets (state repeated n times)."""

    def __init__(self):
        super().__init__()
        self.body = mlp([OBS + ACT, 256, 256, 256, 1])
        orthogonal_critic_init(self.body)

    def forward(self, s, a):
        if a.dim() == 3:
            n = a.shape[1]
            s_rep = s.unsqueeze(1).repeat_interleave(n, dim=1).reshape(-1, s.shape[-1])
            q = self.body(torch.cat([s_rep, a.reshape(-1, a.shape[-1])], dim=-1)).squeeze(-1)
            return q.reshape(s.shape[0], n)
        return self.body(torch.cat([s, a], dim=-1)).squeeze(-1)


class TanhGaussianActor(nn.Module):
    """3x256 network giving mean and log std (x multiplier + offset, learned scalars 1 and -1,
    clamped to [-20, 2]); tanh-squashed reparameterised samples with their log-density."""

    def __init__(self):
        super().__init__()
        self.body = mlp([OBS, 256, 256, 256, 2 * ACT])
        last = [m for m in self.body if isinstance(m, nn.Linear)][-1]
        nn.init.xavier_uniform_(last.weight, gain=1e-2)
        nn.init.zeros_(last.bias)
        self.std_mult = LearnedScalar(1.0)
        self.std_offset = LearnedScalar(-1.0)

    def forward(self, s, repeat=None):
        if repeat is not None:
            s = s.unsqueeze(1).repeat_interleave(repeat, dim=1)
        out = self.body(s)
        mean, log_std = torch.split(out, ACT, dim=-1)
        log_std = (self.std_mult() * log_std + self.std_offset()).clamp(-20.0, 2.0)
        std = torch.exp(log_std)
        u = mean + std * torch.randn_like(mean)
        act = torch.tanh(u)
        # log N(u) - log|d tanh(u)/du|, with log(1 - tanh^2 u) = 2 (log 2 - u - softplus(-2u)).
        base = -0.5 * ((u - mean) / std).pow(2) - log_std - 0.5 * LOG_2PI
        jac = 2.0 * (math.log(2.0) - u - F.softplus(-2.0 * u))
        return act, (base - jac).sum(-1)


class CQL:
    """CORL CQL defaults: critics 3x256 (orthogonal init) with an optimiser each at 3e-4, actor
    3x256 at 3e-5, automatic entropy (target -|A|, log alpha from 0 at 3e-5), CQL alpha 10, 10
    sampled actions from each of random / pi(s) / pi(s'), importance sampling, temperature 1, no
    Lagrange (its alpha' optimiser exists but is never stepped), no max backup, no backup
    entropy, bc_steps 0, Polyak 0.005 every step."""

    def __init__(self, gamma=0.99, rate=0.005, n=10, cql_alpha=10.0, temp=1.0, qf_lr=3e-4, pi_lr=3e-5):
        self.actor = TanhGaussianActor()
        self.q1, self.q2 = CQLQ(), CQLQ()
        self.q1_targ, self.q2_targ = frozen_copy(self.q1), frozen_copy(self.q2)
        self.pi_opt = torch.optim.Adam(self.actor.parameters(), lr=pi_lr)
        self.q1_opt = torch.optim.Adam(self.q1.parameters(), lr=qf_lr)
        self.q2_opt = torch.optim.Adam(self.q2.parameters(), lr=qf_lr)
        self.log_alpha = LearnedScalar(0.0)
        self.alpha_opt = torch.optim.Adam(self.log_alpha.parameters(), lr=pi_lr)
        self.log_alpha_prime = LearnedScalar(1.0)
        self.alpha_prime_opt = torch.optim.Adam(self.log_alpha_prime.parameters(), lr=qf_lr)
        self.target_entropy = -float(ACT)
        self.gamma, self.rate, self.n, self.cql_alpha, self.temp = gamma, rate, n, cql_alpha, temp
        self.bc_steps = 0
        self.it = 0

    def update(self, batch):
        s, a, r, s2, d = batch
        self.it += 1
        new_a, log_pi = self.actor(s)
        alpha_loss = -(self.log_alpha() * (log_pi + self.target_entropy).detach()).mean()
        alpha = self.log_alpha().exp()
        if self.it <= self.bc_steps:
            raise NotImplementedError("bc_steps is 0 in CORL's default")
        q_new = torch.min(self.q1(s, new_a), self.q2(s, new_a))
        pi_loss = (alpha * log_pi - q_new).mean()
        log = {
            "log_pi": log_pi.mean().item(),
            "policy_loss": pi_loss.item(),
            "alpha_loss": alpha_loss.item(),
            "alpha": alpha.item(),
        }

        # Bellman part.
        q1_data, q2_data = self.q1(s, a), self.q2(s, a)
        a2, _ = self.actor(s2)
        q_next = torch.min(self.q1_targ(s2, a2), self.q2_targ(s2, a2)).unsqueeze(-1)
        y = (r + (1.0 - d) * self.gamma * q_next.detach()).squeeze(-1)
        bell1 = F.mse_loss(q1_data, y.detach())
        bell2 = F.mse_loss(q2_data, y.detach())

        # Conservative part: logsumexp over random, pi(s) and pi(s') action sets.
        bsz = a.shape[0]
        a_rand = a.new_empty((bsz, self.n, ACT)).uniform_(-1.0, 1.0)
        a_cur, lp_cur = self.actor(s, repeat=self.n)
        a_nxt, lp_nxt = self.actor(s2, repeat=self.n)
        a_cur, lp_cur, a_nxt, lp_nxt = a_cur.detach(), lp_cur.detach(), a_nxt.detach(), lp_nxt.detach()
        q1_rand, q2_rand = self.q1(s, a_rand), self.q2(s, a_rand)
        q1_cur, q2_cur = self.q1(s, a_cur), self.q2(s, a_cur)
        q1_nxt, q2_nxt = self.q1(s, a_nxt), self.q2(s, a_nxt)
        std1 = torch.cat([q1_rand, q1_data.unsqueeze(1), q1_nxt, q1_cur], dim=1).std(dim=1)
        std2 = torch.cat([q2_rand, q2_data.unsqueeze(1), q2_nxt, q2_cur], dim=1).std(dim=1)
        log_uniform = math.log(0.5**ACT)
        cat1 = torch.cat([q1_rand - log_uniform, q1_nxt - lp_nxt, q1_cur - lp_cur], dim=1)
        cat2 = torch.cat([q2_rand - log_uniform, q2_nxt - lp_nxt, q2_cur - lp_cur], dim=1)
        ood1 = torch.logsumexp(cat1 / self.temp, dim=1) * self.temp
        ood2 = torch.logsumexp(cat2 / self.temp, dim=1) * self.temp
        gap1 = torch.clamp(ood1 - q1_data, -math.inf, math.inf).mean()
        gap2 = torch.clamp(ood2 - q2_data, -math.inf, math.inf).mean()
        pen1, pen2 = gap1 * self.cql_alpha, gap2 * self.cql_alpha
        alpha_prime_loss = s.new_tensor(0.0)
        alpha_prime = s.new_tensor(0.0)
        q_loss = bell1 + bell2 + pen1 + pen2

        log.update(
            qf1_loss=bell1.item(),
            qf2_loss=bell2.item(),
            alpha=alpha.item(),
            average_qf1=q1_data.mean().item(),
            average_qf2=q2_data.mean().item(),
            average_target_q=q_next.mean().item(),
        )
        log.update(
            cql_std_q1=std1.mean().item(),
            cql_std_q2=std2.mean().item(),
            cql_q1_rand=q1_rand.mean().item(),
            cql_q2_rand=q2_rand.mean().item(),
            cql_min_qf1_loss=pen1.mean().item(),
            cql_min_qf2_loss=pen2.mean().item(),
            cql_qf1_diff=gap1.mean().item(),
            cql_qf2_diff=gap2.mean().item(),
            cql_q1_current_actions=q1_cur.mean().item(),
            cql_q2_current_actions=q2_cur.mean().item(),
            cql_q1_next_actions=q1_nxt.mean().item(),
            cql_q2_next_actions=q2_nxt.mean().item(),
            alpha_prime_loss=alpha_prime_loss.item(),
            alpha_prime=alpha_prime.item(),
        )

        # Same order as CORL: entropy temperature, actor, then both critics.
        self.alpha_opt.zero_grad()
        alpha_loss.backward()
        self.alpha_opt.step()
        self.pi_opt.zero_grad()
        pi_loss.backward()
        self.pi_opt.step()
        self.q1_opt.zero_grad()
        self.q2_opt.zero_grad()
        q_loss.backward(retain_graph=True)
        self.q1_opt.step()
        self.q2_opt.step()
        polyak(self.q1_targ, self.q1, self.rate)
        polyak(self.q2_targ, self.q2, self.rate)
        return log


ALGOS = {"iql": IQL, "td3bc": TD3BC, "awac": AWAC, "cql": CQL}


# ----------------------------------------------------------------------------- FLOPs


def n_params(*modules):
    return sum(p.numel() for m in modules for p in m.parameters())


def formula_flops(name, trainer, batch):
    """performance.md section 3: 6 B P per forward+backward, 2 B P per forward-only pass."""
    if name == "iql":
        pv, pq, pa = n_params(trainer.v), n_params(trainer.q1), n_params(trainer.mean_net) + ACT
        return batch * (8 * pv + 16 * pq + 6 * pa), {"v": pv, "q": pq, "actor": pa}
    if name == "td3bc":
        pq, pa = n_params(trainer.q1), n_params(trainer.pi)
        return batch * (5 * pa + 19 * pq), {"q": pq, "actor": pa}
    if name == "awac":
        pq, pa = n_params(trainer.q1), n_params(trainer.mean_net) + ACT
        return batch * (10 * pa + 24 * pq), {"q": pq, "actor": pa}
    pq, pa = n_params(trainer.q1), n_params(trainer.actor)
    return batch * (48 * pa + 388 * pq), {"q": pq, "actor": pa}


def count_matmul_flops(fn):
    """Matmul FLOPs (2 m k n) of everything fn runs, forward and backward, via a dispatch mode."""
    from torch.utils._python_dispatch import TorchDispatchMode

    aten = torch.ops.aten
    total = [0]

    def mm(x, y):
        return 2 * x.shape[0] * x.shape[1] * y.shape[1]

    class Counter(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            packet = func.overloadpacket
            if packet is aten.mm:
                total[0] += mm(args[0], args[1])
            elif packet is aten.addmm:
                total[0] += mm(args[1], args[2])
            elif packet is aten.bmm:
                b, m, k = args[0].shape
                total[0] += 2 * b * m * k * args[1].shape[2]
            elif packet in (aten.matmul, aten.linear):
                pass  # decomposed into mm/addmm below the mode
            return func(*args, **kwargs)

    with Counter():
        fn()
    return total[0]


# ----------------------------------------------------------------------------- timing


def emit(record):
    if ARGS.tag is not None:
        record["tag"] = ARGS.tag
    print(json.dumps(record), flush=True)


def common_fields():
    return {
        "threads": ARGS.threads,
        "openblas_threads": int(os.environ.get("OPENBLAS_NUM_THREADS", "0")),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "default"),
        "blas": blas_in_use(),
        "torch": torch.__version__,
    }


def time_algo(name):
    torch.manual_seed(ARGS.seed)
    buf = ReplayBuffer(ARGS.buffer, ARGS.seed)
    trainer = ALGOS[name]()
    n = ARGS.cql_updates if name == "cql" else ARGS.updates
    warm = ARGS.warmup + (ARGS.warmup % 2)  # keep TD3+BC pairs aligned as (odd, even) steps
    upd_ms, smp_ms = [], []
    for i in range(warm + n):
        t0 = time.perf_counter()
        batch = buf.sample(ARGS.batch)
        t1 = time.perf_counter()
        trainer.update(batch)
        t2 = time.perf_counter()
        if i >= warm:
            smp_ms.append((t1 - t0) * 1e3)
            upd_ms.append((t2 - t1) * 1e3)
    if name == "td3bc":
        pairs = [(upd_ms[i] + upd_ms[i + 1]) / 2 for i in range(0, len(upd_ms) - 1, 2)]
        value = statistics.median(pairs)
        extra = {
            "odd_ms": round(statistics.median(upd_ms[0::2]), 3),
            "even_ms": round(statistics.median(upd_ms[1::2]), 3),
            "statistic": "median of consecutive pairs / 2",
        }
    else:
        value = statistics.median(upd_ms)
        extra = {"statistic": "median"}
    flops, _ = formula_flops(name, trainer, ARGS.batch)
    emit(
        {
            "name": f"pytorch.{name}.update",
            "value": round(value, 3),
            "unit": "ms",
            **common_fields(),
            "updates": n,
            "warmup": warm,
            "batch": ARGS.batch,
            "mean_ms": round(statistics.fmean(upd_ms), 3),
            "p10_ms": round(float(np.percentile(upd_ms, 10)), 3),
            "p90_ms": round(float(np.percentile(upd_ms, 90)), 3),
            "sample_ms": round(statistics.median(smp_ms), 3),
            "formula_gflop": round(flops / 1e9, 4),
            "gflops": round(flops / 1e9 / (value / 1e3), 1),
            **extra,
        }
    )


def flops_algo(name):
    torch.manual_seed(ARGS.seed)
    buf = ReplayBuffer(ARGS.buffer, ARGS.seed)
    trainer = ALGOS[name]()
    formula, params = formula_flops(name, trainer, ARGS.batch)
    steps = 2 if name == "td3bc" else 1
    counted = [count_matmul_flops(lambda: trainer.update(buf.sample(ARGS.batch))) for _ in range(steps)]
    emit(
        {
            "name": f"pytorch.{name}.flops",
            "value": round(sum(counted) / steps / 1e6, 2),
            "unit": "MFLOP",
            "per_step_mflop": [round(c / 1e6, 2) for c in counted],
            "formula_mflop": round(formula / 1e6, 2),
            "counted_over_formula": round(sum(counted) / steps / formula, 4),
            "params": params,
            **common_fields(),
        }
    )


def gemm(n):
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(3):
        torch.mm(a, b)
    samples = []
    for _ in range(7):
        reps, t0 = 0, time.perf_counter()
        while True:
            torch.mm(a, b)
            reps += 1
            el = time.perf_counter() - t0
            if el >= 0.5:
                break
        samples.append(2 * n**3 * reps / el / 1e9)
    emit(
        {
            "name": f"pytorch.gemm.{n}",
            "value": round(statistics.median(samples), 1),
            "unit": "GFLOP/s",
            "min": round(min(samples), 1),
            "max": round(max(samples), 1),
            **common_fields(),
        }
    )


def main():
    torch.mm(torch.ones(2, 2), torch.ones(2, 2))  # loads the BLAS library before blas_in_use()
    if ARGS.gemm:
        for n in (256, 1024):
            gemm(n)
        return
    for name in ARGS.algos.split(","):
        if name not in ALGOS:
            sys.exit(f"unknown algorithm {name!r}; choose from {sorted(ALGOS)}")
        (flops_algo if ARGS.flops else time_algo)(name)


if __name__ == "__main__":
    main()
