"""Browser pages of the registry: find premises as you type, record new premises on the spot,
and (administrators) upload import files and follow their progress."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.access import scope_for
from registry.forms import ImportUploadForm, PremisesForm, PremisesSearchForm
from registry.models import ImportJob, ImportStatus
from registry.selectors import premises_search as select_premises
from registry.services import import_job_enqueue
from registry.services import premises_create as create_premises


def _require_officer(user):
    """Premises pages are for officers (and supervisors) in the field; others see nothing here."""
    if not scope_for(user).sees_personal_data:
        raise Http404("No such page.")


@login_required
def premises_search(request):
    """Search by name, registration number or district; htmx asks for the results list only."""
    _require_officer(request.user)
    form = PremisesSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = list(select_premises(user=request.user, query=query)) if query else []
    context = {"form": form, "query": query, "results": results,
               "can_inspect": scope_for(request.user).is_officer}
    if request.htmx:
        return render(request, "registry/partials/premises_results.html", context)
    return render(request, "registry/premises_search.html", context)


@login_required
def premises_create(request):
    _require_officer(request.user)
    form = PremisesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            premises = create_premises(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for name, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
                form.add_error(name if name in form.fields else None, errors)
        except PermissionDenied:
            raise Http404("No such page.") from None
        else:
            messages.success(request, _("Premises “%(name)s” saved. You can start the inspection now.")
                             % {"name": premises.name})
            query = premises.registration_number or premises.name
            return redirect(f"{reverse('registry:premises_search')}?{urlencode({'q': query, 'created': 1})}")
    return render(request, "registry/premises_form.html", {"form": form})


# --- imports: administrators upload registry files ----------------------------------------------

RUNNING = (ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.IMPORTING)

def _require_administrator(user):
    if not (user.is_superuser or scope_for(user).is_administrator):
        raise PermissionDenied(_("Imports are for administrators."))


@login_required
def imports(request):
    """Upload a file (run as a background job) and see the recent jobs."""
    _require_administrator(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_enqueue(actor=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"])
        return redirect("registry:import_job", pk=job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user).order_by("-created_at")[:20]
    return render(request, "registry/imports.html", {"form": form, "jobs": jobs},
                  status=400 if form.is_bound and not form.is_valid() else 200)


@login_required
def import_job(request, pk):
    """A job's progress (htmx polls the partial until it is done) and its validation report."""
    _require_administrator(request.user)
    job = ImportJob.objects.filter(pk=pk, created_by=request.user).first()
    if job is None:
        raise Http404("No such import.")
    template = "registry/partials/import_job.html" if request.htmx else "registry/import_job.html"
    return render(request, template, {"job": job, "running": job.status in RUNNING})
