"""Example payloads for the OpenAPI documentation (made-up people and places)."""

INSPECTION_ID = "0b7f3c4e-1d2a-4c59-8f1e-5a6b7c8d9e01"
ENCOUNTER_ID = "5d2e8f10-3b4c-4d6e-9a7b-1c2d3e4f5a60"
FLAG_ID = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"

INSPECTION_CREATE = {
    "premises": "6f1c0f3e-8c3a-4f57-9b43-3f0d7d1b2a10", "started_at": "2026-11-20T21:30:00+07:00",
    "notes": "Night visit after a tip-off.", "foreigners_present": 12, "refused_access": 0,
}

INSPECTION = {
    "id": INSPECTION_ID, "premises": "6f1c0f3e-8c3a-4f57-9b43-3f0d7d1b2a10", "premises_name": "Mekong Tower site",
    "premises_type": "construction", "district": "1201", "province": "KH-12", "unit": "pp-station",
    "lead_officer": "officer.sokha", "status": "verified", "started_at": "2026-11-20T21:30:00+07:00",
    "ended_at": "2026-11-20T23:05:00+07:00", "submitted_at": "2026-11-20T23:06:12+07:00",
    "verified_at": "2026-11-20T23:06:40+07:00", "notes": "Night visit after a tip-off.",
    "foreigners_present": 12, "refused_access": 0, "latitude": "11.549100", "longitude": "104.928200", "people": 1,
}

SCREENING_NO = {name: "no" for name in (
    "document_withheld", "not_free_to_leave", "debt_owed", "wages_withheld", "excessive_hours", "isolated",
    "threats_or_violence", "deceived_about_job", "under_18", "physical_abuse_signs", "lives_at_workplace",
)}

ENCOUNTER_CREATE = {
    "inspection": INSPECTION_ID, "surname": "Tran", "given_names": "Van Binh", "native_name": "Trần Văn Bình",
    "date_of_birth": "1994-03-07", "sex": "M", "nationality": "VNM", "document_type": "P",
    "document_number": "C1234567", "document_issuing_country": "VNM", "document_expiry": "2030-05-01",
    "role": "worker", **SCREENING_NO, "lives_at_workplace": "yes",
}

FLAG_BRIEF = {
    "id": FLAG_ID, "kind": "OVERSTAY", "severity": "high", "status": "open", "held_for_victim_screening": False,
    "details": {"permitted_until": "2026-10-31", "days": 20}, "raised_at": "2026-11-20T23:06:40+07:00",
    "version": 0,
}

ENCOUNTER = {
    "id": ENCOUNTER_ID, **ENCOUNTER_CREATE, "surname": "TRAN", "given_names": "VAN BINH",
    "verification": {"status": "flagged", "matched_entry": "BX-2026-00012345", "match_score": 1.0,
                     "match_method": "exact", "rules_version": "2026.11.1",
                     "checked_at": "2026-11-20T23:06:40+07:00"},
    "flags": [FLAG_BRIEF], "created_at": "2026-11-20T21:42:00+07:00", "updated_at": "2026-11-20T21:42:00+07:00",
}

INSPECTION_DETAIL = {**INSPECTION, "encounters": [ENCOUNTER]}

FLAG = {
    "id": FLAG_ID, "encounter": ENCOUNTER_ID, "inspection": INSPECTION_ID, "kind": "OVERSTAY", "severity": "high",
    "status": "open", "held_for_victim_screening": False, "details": {"permitted_until": "2026-10-31", "days": 20},
    "province": "KH-12", "district": "1201", "premises_type": "construction", "nationality": "VNM",
    "inspected_on": "2026-11-20", "assignee": None, "raised_at": "2026-11-20T23:06:40+07:00",
    "updated_at": "2026-11-20T23:06:40+07:00", "version": 0,
}

FLAG_DETAIL = {
    **FLAG, "status": "dismissed", "version": 1, "person": ENCOUNTER,
    "decisions": [{"id": 41, "outcome": "dismiss", "status_after": "dismissed", "decided_by": "supervisor.dara",
                   "decided_at": "2026-11-21T08:15:00+07:00", "assignee": None,
                   "reason": "Valid extension shown on site."}],
}

CONFLICT = {
    "error": {"status": 409, "code": "conflict",
              "detail": "Another supervisor decided this flag first; it is now “Confirmed”."},
    "current": {**FLAG, "status": "confirmed", "version": 3},
}

REFERRAL = {
    "id": "3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a98", "flag": FLAG_ID, "encounter": ENCOUNTER_ID,
    "organisation": "Chab Dai Coalition", "note": "", "referred_by": "supervisor.dara",
    "referred_at": "2026-11-21T08:20:00+07:00", "outcome": "pending", "outcome_note": "", "province": "KH-12",
}

SUMMARY_INSPECTIONS = [
    {"period": "2026-10-01", "province": "KH-12", "inspections": 41, "foreigners_present": 388, "refused_access": 3},
    {"period": "2026-11-01", "province": "KH-12", "inspections": 37, "foreigners_present": 301, "refused_access": 0},
]
SUMMARY_ENCOUNTERS = [
    {"period": "2026-11-01", "province": "KH-12", "people": 301, "workers": 220, "clear": 251, "flagged": 44,
     "exempt": 2, "pending": 4},
]
SUMMARY_FLAGS = [
    {"period": "2026-11-01", "province": "KH-12", "kind": "OVERSTAY", "severity": "high", "status": "open",
     "flags": 19, "held_for_victim_screening": 2},
]
SUMMARY_REFERRALS = [
    {"period": "2026-11-01", "province": "KH-12", "outcome": "accepted", "referrals": 3},
]
