from django.urls import path

from inspections.views import dashboard, field

urlpatterns = [
    # --- officer field app (inspections/views/field.py)
    path("", field.home, name="home"),
    # --- end of the field app's routes

    # --- supervisor dashboard (inspections/views/dashboard.py), all under dashboard/
    path("dashboard/", dashboard.queue, name="dashboard-queue"),
    path("dashboard/export.csv", dashboard.export, {"fmt": "csv"}, name="dashboard-export-csv"),
    path("dashboard/export.xlsx", dashboard.export, {"fmt": "xlsx"}, name="dashboard-export-xlsx"),
    path("dashboard/flags/<uuid:flag_id>/", dashboard.case, name="dashboard-case"),
    path("dashboard/flags/<uuid:flag_id>/decide/", dashboard.decide, name="dashboard-decide"),
    path("dashboard/referrals/", dashboard.referrals, name="dashboard-referrals"),
    path("dashboard/referrals/<uuid:referral_id>/outcome/", dashboard.referral_outcome,
         name="dashboard-referral-outcome"),
    path("dashboard/premises/", dashboard.premises_ranking, name="dashboard-premises-ranking"),
    path("dashboard/premises/<uuid:premises_id>/", dashboard.premises_detail, name="dashboard-premises"),
    path("dashboard/overview/", dashboard.overview, name="dashboard-overview"),
    # --- end of the dashboard's routes
]
