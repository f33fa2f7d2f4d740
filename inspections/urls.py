from django.urls import path

from inspections.views import dashboard, field

urlpatterns = [
    # --- officer field app (inspections/views/field.py)
    path("", field.home, name="home"),
    path("inspections/start/", field.inspection_start, name="inspection_start"),
    path("inspections/<uuid:pk>/", field.inspection_detail, name="inspection_detail"),
    path("inspections/<uuid:pk>/autosave/", field.inspection_autosave, name="inspection_autosave"),
    path("inspections/<uuid:pk>/results/", field.inspection_results, name="inspection_results"),
    path("inspections/<uuid:pk>/submit/", field.inspection_submit_view, name="inspection_submit"),
    path("inspections/<uuid:pk>/people/new/", field.encounter_add_view, name="encounter_add"),
    path("inspections/<uuid:pk>/people/<uuid:encounter_pk>/", field.encounter_edit_view, name="encounter_edit"),
    path("inspections/<uuid:pk>/people/<uuid:encounter_pk>/remove/", field.encounter_remove_view,
         name="encounter_remove"),
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
