#!/usr/bin/env python3
"""Writes test/fixtures/reference/exp.json: exp(x) to 50 digits for 4,000 doubles x in the
softmax's range (−708, 0], for test/unit/core/exp.test.ts. Each case is [x, nearest double to e^x,
(e^x − that double) / ulp]: the test measures a result's error in ulps against the exact value.
Run: /usr/bin/python3 test/reference/make_exp_reference.py
"""
import json, math, random
from decimal import Decimal, getcontext
from pathlib import Path

getcontext().prec = 50
rng = random.Random(20261128)
xs = [0.0, -0.0, -1e-300, -2.0**-1074, -1e-17, -0.5, -math.log(2) / 256, -math.log(2), -1.0, -20.0, -707.9999]
xs += [-rng.uniform(0, 1) for _ in range(1000)]
xs += [-rng.uniform(0, 40) for _ in range(2000)]
xs += [-rng.uniform(0, 708) for _ in range(989)]
cases = []
for x in xs:
    exact = Decimal(x).exp()
    nearest = float(exact)
    ulp = math.ulp(nearest)
    cases.append([x, nearest, float((exact - Decimal(nearest)) / Decimal(ulp))])
out = Path(__file__).resolve().parent.parent / 'fixtures/reference/exp.json'
out.write_text(json.dumps(cases, separators=(',', ':')) + '\n')
