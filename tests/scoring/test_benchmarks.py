"""The size class's median and best per area and per indicator, checked against numbers worked out by hand."""

from decimal import Decimal

import pytest

from applications.enums import ApplicationStatus
from indicators.models import SizeClass
from scoring.enums import ScoreKind
from scoring.selectors import Benchmark, benchmark_key, size_class_benchmarks
from tests.factories.indicators import make_cycle
from tests.factories.scoring import score_run, scored_application

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def scored(cycle, run, size_class, *, ca, cw, points, **options):
    return scored_application(cycle, run, size_class, areas={"CA": ca, "CW": cw}, points={"CA-01": points}, **options)


@pytest.fixture
def cycle():
    return make_cycle(code="esc-bench")


@pytest.fixture
def run(cycle):
    return score_run(cycle)


def test_size_class_benchmarks_median_and_best_match_hand_computed(cycle, run):
    small, big = SizeClass.objects.filter(cycle=cycle).order_by("min_population")[:2]
    # Small class: CA 40, 90, 55, 70 → sorted 40 55 70 90 → median (55 + 70) / 2 = 62.5, best 90.
    #              CW 80, 20.5, 60 (the fourth has no CW) → sorted 20.5 60 80 → median 60, best 80.
    #              CA-01 points 3, 5, 1, none → sorted 1 3 5 → median 3, best 5.
    first = scored(cycle, run, small, ca=40, cw=80, points=3)
    scored(cycle, run, small, ca=90, cw="20.5", points=5)
    scored(cycle, run, small, ca=55, cw=60, points=1)
    scored(cycle, run, small, ca=70, cw=None, points=None)
    # Not counted: another size class, a draft, another track.
    scored(cycle, run, big, ca=10, cw=10, points=0)
    scored(cycle, run, small, ca=100, cw=100, points=5, status=ApplicationStatus.DRAFT)
    scored(cycle, run, small, ca=100, cw=100, points=5, track="certificate")

    benchmarks = size_class_benchmarks(cycle)

    small_key = benchmark_key(first)
    assert benchmarks[small_key].areas == {
        "CA": Benchmark(median=Decimal("62.50"), best=Decimal("90.00"), count=4),
        "CW": Benchmark(median=Decimal("60.00"), best=Decimal("80.00"), count=3),
    }
    assert benchmarks[small_key].indicators == {
        "CA-01": Benchmark(median=Decimal("3.00"), best=Decimal("5.00"), count=3)
    }
    assert benchmarks[("esc_award", big.pk)].areas["CA"] == Benchmark(Decimal("10.00"), Decimal("10.00"), 1)
    assert benchmarks[("certificate", small.pk)].areas["CA"] == Benchmark(Decimal("100.00"), Decimal("100.00"), 1)


def test_size_class_benchmarks_of_verified_scores_count_only_final_ones(cycle, run):
    small = SizeClass.objects.filter(cycle=cycle).order_by("min_population").first()
    first = scored(cycle, run, small, ca=30, cw=30, points=1, kind=ScoreKind.VERIFIED)
    scored(cycle, run, small, ca=50, cw=50, points=2, kind=ScoreKind.VERIFIED)
    scored(cycle, run, small, ca=99, cw=99, points=5, kind=ScoreKind.VERIFIED, pending=2)

    benchmarks = size_class_benchmarks(cycle, kind=ScoreKind.VERIFIED, keys=[benchmark_key(first)])

    assert benchmarks == {
        benchmark_key(first): benchmarks[benchmark_key(first)],
    }
    assert benchmarks[benchmark_key(first)].areas["CA"] == Benchmark(Decimal("40.00"), Decimal("50.00"), 2)


def test_size_class_benchmarks_take_one_query(cycle, run, django_assert_num_queries):
    small = SizeClass.objects.filter(cycle=cycle).order_by("min_population").first()
    first = scored(cycle, run, small, ca=30, cw=30, points=1)
    scored(cycle, run, small, ca=50, cw=50, points=2)

    with django_assert_num_queries(1):
        size_class_benchmarks(cycle, keys=[benchmark_key(first)])
