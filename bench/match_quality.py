"""Match quality of the verification matcher and rules on labelled data, side by side with a
reference linker (recordlinkage: blocking + logistic-regression classifier) on the same data.

    bench/out/venv/bin/python -m bench.match_quality --people 50000 --encounters 20000

(bench/requirements.txt lists the extra packages; bench/out/venv is a virtualenv with them that
also sees the project's packages.) Runs in memory through the same pure functions the worker
uses (inspections.verification.matching / rules); no database.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import random
import sys
import time
from collections import Counter, defaultdict

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from bench.labelled_data import WORK_VISAS, generate  # noqa: E402
from inspections.models import SCREENING_QUESTIONS  # noqa: E402
from inspections.verification import matching, rules  # noqa: E402
from registry.normalisation import name_key  # noqa: E402


def entry_facts(entries):
    return [
        matching.EntryFacts(
            id=e.id, source_id=e.source_id, foreigner_id=f"F{e.person}", document_type=e.document_type,
            document_number=e.document_number, issuing_country=e.issuing_country, nationality=e.nationality,
            surname=e.surname, given_names=e.given_names, date_of_birth=e.date_of_birth, sex=e.sex,
            entry_date=e.entry_date, permitted_until=e.permitted_until, exit_date=e.exit_date,
            visa_code=e.visa_type, visa_allows_work=e.visa_type in WORK_VISAS, visa_is_diplomatic=False,
            name_key=name_key(e.surname, e.given_names))
        for e in entries
    ]


def encounter_facts(enc):
    return matching.EncounterFacts(
        key=enc.key, surname=enc.surname, given_names=enc.given_names, date_of_birth=enc.date_of_birth,
        sex=enc.sex, nationality=enc.nationality, document_type=enc.document_type,
        document_number=enc.document_number, issuing_country=enc.issuing_country,
        document_expiry=enc.document_expiry, role=enc.role, premises_id=enc.premises_id,
        inspected_on=enc.inspected_on, screening=enc.screening)


def registry_facts(enc, match, entries_by_id):
    extensions = ()
    if match.entry is not None:
        e = entries_by_id[match.entry.id]
        if e.extension_until:
            extensions = (rules.ExtensionFacts(e.permitted_until, e.extension_until, e.visa_type,
                                               e.visa_type in WORK_VISAS, False),)
    permits = (rules.PermitFacts(enc.inspected_on.replace(month=1, day=1), enc.inspected_on.replace(month=12, day=31)),
               ) if enc.work_permit else ()
    regs = (rules.RegistrationFacts(enc.premises_id, enc.inspected_on.replace(day=1), None),) if enc.registered else ()
    return rules.RegistryFacts(extensions=extensions, work_permits=permits, guest_registrations=regs)


def run_ours(encounters, entries):
    m_settings = matching.MatchSettings.from_mapping(settings.VERIFICATION)
    s_settings = rules.ScreeningSettings.from_mapping(settings.TRAFFICKING_SCREENING, SCREENING_QUESTIONS)
    facts = entry_facts(entries)
    by_id = {e.id: e for e in entries}
    started = time.perf_counter()
    index = matching.CandidateIndex(facts)
    predicted, outcomes = {}, {}
    for enc in encounters:
        f = encounter_facts(enc)
        # the engine only loads candidates sharing a blocking key; the index does the same here
        match = matching.match_encounter(f, index, m_settings)
        predicted[enc.key] = match.entry.source_id if match.entry is not None else None
        outcomes[enc.key] = rules.evaluate(f, match, registry_facts(enc, match, by_id), s_settings)
    return predicted, outcomes, time.perf_counter() - started


def run_recordlinkage(encounters, entries, seed=3):
    """Reference: recordlinkage blocking (nationality+DOB, document number, nationality+surname+birth
    year) and a logistic-regression classifier trained on a labelled half; evaluated on the other half."""
    import pandas as pd  # noqa: PLC0415
    import recordlinkage as rl  # noqa: PLC0415

    rng = random.Random(seed)
    keys = [e.key for e in encounters]
    rng.shuffle(keys)
    train_keys = set(keys[: len(keys) // 2])
    started = time.perf_counter()
    a = pd.DataFrame([{
        "key": e.key, "surname": e.surname, "given": e.given_names or "", "dob": e.date_of_birth.isoformat(),
        "sex": e.sex, "nat": e.nationality, "doc": e.document_number, "year": str(e.date_of_birth.year),
        "on": e.inspected_on.isoformat()} for e in encounters]).set_index("key")
    b = pd.DataFrame([{
        "id": e.id, "surname": e.surname, "given": e.given_names or "", "dob": e.date_of_birth.isoformat(),
        "sex": e.sex, "nat": e.nationality, "doc": e.document_number, "year": str(e.date_of_birth.year),
        "entry_date": e.entry_date.isoformat(), "source_id": e.source_id, "person": e.person} for e in entries]
    ).set_index("id")
    indexer = rl.Index()
    indexer.block(left_on=["nat", "dob"], right_on=["nat", "dob"])
    indexer.block(left_on="doc", right_on="doc")
    indexer.block(left_on=["nat", "surname", "year"], right_on=["nat", "surname", "year"])
    pairs = indexer.index(a, b)
    compare = rl.Compare()
    compare.string("surname", "surname", method="jarowinkler", label="surname")
    compare.string("given", "given", method="jarowinkler", label="given")
    compare.exact("dob", "dob", label="dob")
    compare.exact("sex", "sex", label="sex")
    compare.exact("nat", "nat", label="nat")
    compare.string("doc", "doc", method="levenshtein", label="doc")
    features = compare.compute(pairs, a, b)
    true_person = {e.key: e.true_source_id for e in encounters}
    source_person = dict(zip(b["source_id"], b["person"], strict=True))
    person_of_entry = b["person"].to_dict()
    labels = [
        true_person[k] is not None and source_person[true_person[k]] == person_of_entry[i]
        for k, i in features.index
    ]
    features["label"] = labels
    is_train = features.index.get_level_values(0).isin(train_keys)
    train = features[is_train]
    classifier = rl.LogisticRegressionClassifier()
    classifier.fit(train.drop(columns="label"), train.index[train["label"]])
    test = features[~is_train].drop(columns="label")
    probability = classifier.prob(test)
    entry_date = b["entry_date"].to_dict()
    on = a["on"].to_dict()
    best = {}
    for (k, i), p in probability.items():
        if p < 0.5 or entry_date[i] > on[k]:
            continue
        rank = (round(p, 6), entry_date[i])
        if k not in best or rank > best[k][0]:
            best[k] = (rank, b.at[i, "source_id"])
    predicted = {k: (best[k][1] if k in best else None) for k in a.index if k not in train_keys}
    return predicted, time.perf_counter() - started, len(pairs)


def match_metrics(predicted, encounters):
    truth = {e.key: e.true_source_id for e in encounters if e.key in predicted}
    made = [k for k, v in predicted.items() if v is not None]
    correct = [k for k in made if predicted[k] == truth[k]]
    positives = [k for k, v in truth.items() if v is not None]
    return {
        "encounters": len(truth),
        "precision": len(correct) / len(made) if made else 1.0,
        "recall": len([k for k in positives if predicted[k] == truth[k]]) / len(positives) if positives else 1.0,
        "wrong_matches": len(made) - len(correct),
        "missed": len([k for k in positives if predicted[k] is None]),
    }


def flag_metrics(outcomes, encounters):
    tp, fp, fn = Counter(), Counter(), Counter()
    false_clear = 0
    seeded = 0
    for e in encounters:
        got = {f.kind for f in outcomes[e.key].flags}
        for kind in got | e.expected_flags:
            if kind in got and kind in e.expected_flags:
                tp[kind] += 1
            elif kind in got:
                fp[kind] += 1
            else:
                fn[kind] += 1
        if e.expected_flags:
            seeded += 1
            if outcomes[e.key].status == rules.STATUS_CLEAR:
                false_clear += 1
    rows = {}
    for kind in sorted(set(tp) | set(fp) | set(fn)):
        p = tp[kind] / (tp[kind] + fp[kind]) if tp[kind] + fp[kind] else 1.0
        r = tp[kind] / (tp[kind] + fn[kind]) if tp[kind] + fn[kind] else 1.0
        rows[kind] = (tp[kind] + fn[kind], p, r)
    return rows, false_clear, seeded


def main():
    logging.getLogger("recordlinkage").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--encounters", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-reference", action="store_true")
    parser.add_argument("--show-errors", type=int, default=0, help="print that many wrong matches (no PII: synthetic)")
    args = parser.parse_args()

    t = time.perf_counter()
    persons, entries, encounters = generate(args.people, args.encounters, args.seed)
    print(f"# data: {len(persons)} people, {len(entries)} entry records, {len(encounters)} encounters "
          f"({time.perf_counter() - t:.1f}s); python {sys.version.split()[0]}, {platform.platform()}, "
          f"{os.cpu_count()} cpus")
    print(f"# scenarios: {dict(Counter(e.scenario for e in encounters))}")
    print(f"# errors: {dict(Counter(err for e in encounters for err in e.errors))}")

    predicted, outcomes, seconds = run_ours(encounters, entries)
    if args.no_reference:
        subset = set(predicted)
    else:
        ref_predicted, ref_seconds, n_pairs = run_recordlinkage(encounters, entries)
        subset = set(ref_predicted)
    ours_all = match_metrics(predicted, encounters)
    ours = match_metrics({k: v for k, v in predicted.items() if k in subset}, encounters)
    print(f"\nmatching, all {ours_all['encounters']} encounters: precision {ours_all['precision']:.4f} "
          f"recall {ours_all['recall']:.4f} wrong {ours_all['wrong_matches']} missed {ours_all['missed']} "
          f"({seconds:.1f}s, {len(encounters) / seconds:.0f}/s)")
    print("\n| linker (held-out half) | encounters | precision | recall | wrong matches | missed |")
    print("|---|---|---|---|---|---|")
    print(f"| verification matcher | {ours['encounters']} | {ours['precision']:.4f} | {ours['recall']:.4f} | "
          f"{ours['wrong_matches']} | {ours['missed']} |")
    if not args.no_reference:
        ref = match_metrics(ref_predicted, encounters)
        print(f"| recordlinkage LR ({n_pairs} candidate pairs, {ref_seconds:.1f}s) | {ref['encounters']} | "
              f"{ref['precision']:.4f} | {ref['recall']:.4f} | {ref['wrong_matches']} | {ref['missed']} |")

    by_error = defaultdict(lambda: [0, 0])
    truth = {e.key: e for e in encounters}
    for k, v in predicted.items():
        e = truth[k]
        if e.true_source_id is None:
            continue
        for err in e.errors or ("none",):
            by_error[err][0] += 1
            by_error[err][1] += v == e.true_source_id
    print("\n| error in the encounter | encounters | recall |")
    print("|---|---|---|")
    for err, (n, ok) in sorted(by_error.items()):
        print(f"| {err} | {n} | {ok / n:.4f} |")

    rows, false_clear, seeded = flag_metrics(outcomes, encounters)
    print("\n| flag kind | seeded | precision | recall |")
    print("|---|---|---|---|")
    for kind, (n, p, r) in rows.items():
        print(f"| {kind} | {n} | {p:.4f} | {r:.4f} |")
    print(f"\nfalse 'clear' on a seeded violation: {false_clear} of {seeded}")

    shown = 0
    for k, v in predicted.items():
        e = truth[k]
        if shown < args.show_errors and v != e.true_source_id:
            shown += 1
            print("WRONG", e.scenario, e.errors, e.surname, "|", e.given_names, e.date_of_birth, e.document_number,
                  "truth", e.true_source_id, "got", v)


if __name__ == "__main__":
    main()
