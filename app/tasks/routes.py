"""Pages of 任务分解 and 督办: a notice's task tree, a task, a unit's tasks and reports, the bureau's review,
reminders, the dashboard, the exports, and a district bureau's breakdown of a city task for its schools.

Each organ's people reach its own notices' trees, its tasks and its dashboard (app/tasks/scope.py); another
organ's answer 404, as if they did not exist."""

from flask import Blueprint, abort, current_app, flash, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.core import time as clock
from app.core.access import Role, bureau_required, can, login_required, roles_required
from app.core.files import DOCX, XLSX, FileKind, StoredFile, extension_of, read_bytes
from app.core.forms import options
from app.core.mail import MailSettings
from app.core.todo import TODO_CHANGED
from app.core.web import render, see_other, send_download, wants_partial
from app.extensions import db
from app.notices.models import Notice
from app.notices.services import in_organ
from app.tasks.breakdown import BreakdownData, break_down, suggested_code
from app.tasks.dashboard import build_dashboard
from app.tasks.deadlines import Urgency, deadline_of, task_is_done
from app.tasks.editing import (
    MilestoneData,
    SuggestedBatch,
    SuggestedTask,
    TaskData,
    create_suggested_tasks,
    delete_task,
    save_task,
    set_milestone_done,
)
from app.tasks.errors import TaskError
from app.tasks.export import tasks_docx, tasks_xlsx
from app.tasks.forms import BreakdownForm, ReportForm, ReviewForm, SuggestionsForm, TaskForm, TaskReminderForm
from app.tasks.models import Milestone, ProgressState, ReviewState, Task
from app.tasks.queries import (
    TREE_FILTERS,
    UNIT_FILTERS,
    issued_notices_with_tasks,
    managed_task,
    notice_task_codes,
    open_task_reminders,
    own_assignment,
    parent_choices,
    pending_reports,
    reports_of,
    reviewable_report,
    task_children,
    task_reminders,
    task_tree,
    tree_counts,
    unit_assignments,
    unit_counts,
    visible_report,
    visible_task,
)
from app.tasks.reminders import send_reminders
from app.tasks.reports import Upload, review_report, submit_report
from app.tasks.rollup import rollups
from app.tasks.scope import MANAGER_ROLES, assignable_units, oversees, own_unit_ids
from app.tasks.suggestions import nearest_task_above, suggest_tasks
from app.tasks.unit_picker import UnitPicker, unit_picker
from app.units.models import UnitKind
from app.units.organs import answers_to_an_organ

bp = Blueprint("tasks", __name__)

managers_only = roles_required(*MANAGER_ROLES)

# The dashboard lists the most urgent assignments first; thousands would bury the page (its buttons reach all).
ATTENTION_SHOWN = 200

# htmx events: parts of the task page that show states refresh themselves on them.
REPORTED = "task-reported"
REVIEWED = "task-reviewed"


def can_manage(user) -> bool:
    return user.has_role(Role.staff) or user.has_role(Role.secretary)


@bp.app_template_global()
def tasks_can_manage() -> bool:
    return current_user.is_authenticated and can_manage(current_user)


@bp.app_template_global()
def progress_title(state: str) -> str:
    return ProgressState(state).title


def _errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in _flat(errors))


def _flat(errors):
    for error in errors:
        if isinstance(error, dict):
            for nested in error.values():
                yield from _flat(nested)
        elif isinstance(error, list):
            yield from _flat(error)
        else:
            yield error


# A unit's tasks


@bp.get("/tasks")
@login_required
def my_tasks():
    show = request.args.get("show", "")
    if show not in UNIT_FILTERS:
        show = ""
    every = unit_assignments(current_user)
    rows = every if not show else unit_assignments(current_user, show=show)
    return render(
        "tasks/mine.html",
        "tasks/_my_list.html",
        rows=rows,
        counts=unit_counts(every),
        show=show,
        reminders=open_task_reminders(current_user),
        waiting=pending_reports(current_user) if can_manage(current_user) else [],
    )


# A notice's tasks


def _own_notice(notice_id: int) -> Notice:
    """A notice of the person's organ, or 404: another organ's notice has no tasks of theirs to show."""
    notice = db.session.get(Notice, notice_id)
    if notice is None or not in_organ(current_user, notice):
        abort(404)
    return notice


@bp.get("/notices/<int:notice_id>/tasks")
@bureau_required
def tree(notice_id: int):
    notice = _own_notice(notice_id)
    show = request.args.get("show", "")
    if show not in TREE_FILTERS:
        show = ""
    every = task_tree(notice)
    rows = every if not show else [r for r in every if _tree_match(r, show)]
    return render("tasks/tree.html", "tasks/_tree.html", notice=notice, rows=rows, counts=tree_counts(every), show=show)


def _tree_match(row, show: str) -> bool:
    if show == "review":
        return row.pending_reviews > 0
    return row.deadline.urgency == show


def _picker_state(form_ids: list[int]) -> UnitPicker:
    """The cooperating units' picker as the request leaves it (ticked ids, filter text, shortcut pressed)."""
    values = request.values
    return unit_picker(
        form_ids,
        query=values.get("unit_filter", ""),
        add=values.get("pick_group", ""),
        organ_id=current_user.organ_id,
        top=not answers_to_an_organ(current_user),
    )


def _picking() -> bool:
    """A plain form post of the picker's buttons (no JavaScript): redraw the form, save nothing."""
    return request.method == "POST" and bool(request.form.get("pick_group") or request.form.get("find_units"))


@bp.get("/tasks/unit-picker", endpoint="unit_picker")
@managers_only
def unit_picker_part():
    """The picker redrawn from its own values, as htmx asks for it while the person picks."""
    ids = [i for i in request.args.getlist("cooperating_unit_ids", type=int) if i is not None]
    return render("tasks/unit_picker.html", "tasks/_unit_picker.html", picker=_picker_state(ids))


def _task_form(notice: Notice, task: Task | None = None) -> TaskForm:
    form = TaskForm(obj=task) if task is not None and request.method == "GET" else TaskForm()
    # A task of a district's breakdown stays under a task of the organ above: no "none" for it.
    breakdown = task is not None and task.organ_id != notice.organ_id
    form.parent_id.choices = options(([] if breakdown else [(0, "—")]) + parent_choices(notice, task))
    units = assignable_units(current_user)
    form.lead_unit_id.choices = options([(0, "—")] + [(u.id, u.name) for u in units])
    # Checked against the active units by save_task; the picker draws them (no list of every unit here).
    form.cooperating_unit_ids.choices = []
    if request.method == "GET":
        if task is not None:
            # The milestones come from the task itself (TaskForm(obj=task)).
            form.parent_id.data = task.parent_id or 0
            form.lead_unit_id.data = task.lead_unit_id or 0
            form.cooperating_unit_ids.data = [u.id for u in task.cooperating_units]
        else:
            parent = request.args.get("parent", type=int)
            form.parent_id.data = parent if parent in {c[0] for c in parent_choices(notice)} else 0
        for _blank in range(2):
            form.milestones.append_entry()
    return form


def _task_data(form: TaskForm) -> TaskData:
    milestones = []
    for entry in form.milestones.entries:
        raw_id = entry.form.id.data
        milestones.append(
            MilestoneData(
                id=int(raw_id) if raw_id and str(raw_id).isdigit() else None,
                title=entry.form.title.data or "",
                due_on=entry.form.due_on.data,
            )
        )
    return TaskData(
        code=form.code.data,
        title=form.title.data,
        description=form.description.data or "",
        parent_id=form.parent_id.data or None,
        lead_unit_id=form.lead_unit_id.data or None,
        cooperating_unit_ids=list(form.cooperating_unit_ids.data or []),
        due_on=form.due_on.data,
        sort_order=form.sort_order.data or 0,
        milestones=milestones,
    )


@bp.route("/notices/<int:notice_id>/tasks/new", methods=["GET", "POST"])
@managers_only
def create(notice_id: int):
    notice = _own_notice(notice_id)
    form = _task_form(notice)
    if not notice.is_issued:
        form.form_errors.append(_("Tasks are made from an issued notice."))
    elif _picking():
        return _form_page(form, notice, None)
    elif form.validate_on_submit():
        try:
            task = save_task(current_user, notice, None, _task_data(form))
        except TaskError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash(_("Task %(code)s created.", code=task.code), "success")
            return see_other("tasks.show", task_id=task.id)
    return _form_page(form, notice, None)


def _form_page(form: TaskForm, notice: Notice, task: Task | None):
    failed = request.method == "POST" and not _picking() and bool(form.errors or form.form_errors)
    picker = _picker_state(list(form.cooperating_unit_ids.data or []))
    return render("tasks/form.html", form=form, notice=notice, task=task, picker=picker), (422 if failed else 200)


@bp.route("/notices/<int:notice_id>/tasks/from-headings", methods=["GET", "POST"])
@managers_only
def from_headings(notice_id: int):
    """The notice's headings as suggested tasks: the person ticks those to make, may change their numbers and
    titles, gives each a lead unit, and the ticked ones share their cooperating units and deadline."""
    notice = _own_notice(notice_id)
    suggestions = suggest_tasks(notice, notice_task_codes(notice))
    by_key = {s.key: s for s in suggestions}
    form = SuggestionsForm()
    form.parent_id.choices = options([(0, "—")] + parent_choices(notice))
    if request.method == "GET":
        for s in suggestions:
            if s.existing_task_id is None:
                form.rows.append_entry({"key": s.key, "pick": s.ticked, "code": s.code, "title": s.title})
    unit_choices = options([(0, "—")] + [(u.id, u.name) for u in assignable_units(current_user)])
    for entry in form.rows:
        entry.form.lead_unit_id.choices = unit_choices
    rows = {entry.form.key.data: entry.form for entry in form.rows if entry.form.key.data in by_key}
    if not notice.is_issued:
        form.form_errors.append(_("Tasks are made from an issued notice."))
    elif _picking():
        pass
    elif form.validate_on_submit():
        ticked = {key for key, row in rows.items() if row.pick.data and by_key[key].existing_task_id is None}
        batch = SuggestedBatch(
            tasks=[
                SuggestedTask(
                    key=s.key,
                    code=rows[s.key].code.data,
                    title=rows[s.key].title.data,
                    description=s.description,
                    parent_key=nearest_task_above(s, by_key, ticked),
                    lead_unit_id=rows[s.key].lead_unit_id.data or None,
                )
                for s in suggestions
                if s.key in ticked
            ],
            parent_id=form.parent_id.data or None,
            cooperating_unit_ids=list(form.cooperating_unit_ids.data or []),
            due_on=form.due_on.data,
        )
        existing = {s.key: s.existing_task_id for s in suggestions if s.existing_task_id is not None}
        try:
            made = create_suggested_tasks(current_user, notice, batch, existing)
        except TaskError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash(
                ngettext(
                    "%(num)d task made from the notice's headings.",
                    "%(num)d tasks made from the notice's headings.",
                    len(made),
                ),
                "success",
            )
            return see_other("tasks.tree", notice_id=notice.id)
    failed = request.method == "POST" and not _picking() and bool(form.errors or form.form_errors)
    return render(
        "tasks/from_headings.html",
        form=form,
        notice=notice,
        suggestions=suggestions,
        rows=rows,
        picker=_picker_state(list(form.cooperating_unit_ids.data or [])),
    ), (422 if failed else 200)


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@managers_only
def edit(task_id: int):
    task = managed_task(current_user, task_id) or abort(404)
    notice = task.source_notice or abort(404)
    form = _task_form(notice, task)
    if _picking():
        return _form_page(form, notice, task)
    if form.validate_on_submit():
        try:
            save_task(current_user, notice, task, _task_data(form))
        except TaskError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash(_("Task %(code)s saved.", code=task.code), "success")
            return see_other("tasks.show", task_id=task.id)
    return _form_page(form, notice, task)


@bp.post("/tasks/<int:task_id>/delete")
@managers_only
def delete(task_id: int):
    task = managed_task(current_user, task_id) or abort(404)
    notice_id, code, parent_id = task.source_notice_id, task.code, task.parent_id
    # A task of a district's breakdown was reached from the city's task it breaks down: back there.
    breakdown = task.source_notice is not None and task.organ_id != task.source_notice.organ_id
    try:
        delete_task(current_user, task)
    except TaskError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return see_other("tasks.show", task_id=task_id)
    flash(_("Task %(code)s deleted.", code=code), "success")
    if breakdown and parent_id is not None:
        return see_other("tasks.show", task_id=parent_id)
    return see_other("tasks.tree", notice_id=notice_id)


@bp.post("/tasks/<int:task_id>/milestones/<int:milestone_id>")
@managers_only
def milestone(task_id: int, milestone_id: int):
    if managed_task(current_user, task_id) is None:
        abort(404)
    found = db.session.get(Milestone, milestone_id)
    if found is None or found.task_id != task_id:
        abort(404)
    set_milestone_done(current_user, found, request.form.get("done") == "1")
    return see_other("tasks.show", task_id=task_id, _anchor="milestones")


# One task


def _page_context(task: Task, **overrides) -> dict:
    user = current_user
    mine = next((a for a in task.assignments if a.unit_id == user.unit_id), None)
    supervising = oversees(user, task)
    notice = task.source_notice
    context = {
        "task": task,
        "deadline": deadline_of(task, done=task_is_done(task), today=clock.today_in_china()),
        "children": task_children(task, user),
        # Where the person stands: the task's organ sees every unit's part; anyone else their own units' only.
        "supervising": supervising,
        "my_unit_ids": own_unit_ids(user),
        # The notice's tree is its organ's: the way up from a district's breakdown is the city's task, not the tree.
        "in_notice_tree": supervising and notice is not None and notice.organ_id == task.organ_id,
        # The district bureaus' breakdowns of this task: unit id → how their schools stand.
        "rollups": {unit_id: found for (_task_id, unit_id), found in rollups([task.id]).items()},
        "breaking_down": user.is_bureau_user and task.organ_id != user.organ_id,
        "assignments": _assignments_in_order(task),
        "reports": reports_of(task, user),
        "mine": mine,
        "my_deadline": deadline_of(task, done=mine.is_done, today=clock.today_in_china()) if mine else None,
        "report_form": ReportForm(formdata=None),
        "report_error": None,
        "review_form": ReviewForm(formdata=None),
        "review_errors": {},
        "reminders": task_reminders(task) if supervising else [],
        "reminder_form": TaskReminderForm(formdata=None),
        "urgency": Urgency,
    }
    context.update(overrides)
    return context


def _assignments_in_order(task: Task):
    return sorted(task.assignments, key=lambda a: (a.role != "lead", a.unit.sort_order, a.unit_id))


@bp.get("/tasks/<int:task_id>")
@login_required
def show(task_id: int):
    task = visible_task(current_user, task_id) or abort(404)
    return render("tasks/show.html", **_page_context(task))


@bp.get("/tasks/<int:task_id>/assignments")
@login_required
def assignments(task_id: int):
    """The units' table alone, for htmx to refresh after a report or a review."""
    task = visible_task(current_user, task_id) or abort(404)
    return render("tasks/show.html", "tasks/_assignments.html", **_page_context(task))


@bp.get("/tasks/<int:task_id>/reports")
@login_required
def reports(task_id: int):
    task = visible_task(current_user, task_id) or abort(404)
    return render("tasks/show.html", "tasks/_reports.html", **_page_context(task))


@bp.post("/tasks/assignments/<int:assignment_id>/reports")
@login_required
def report(assignment_id: int):
    """A unit reports progress on its own assignment; another unit's id answers 404 and changes nothing."""
    assignment = own_assignment(current_user, assignment_id) or abort(404)
    form = ReportForm()
    error = None
    if form.validate():
        limit = current_app.config["MAX_UPLOAD_BYTES"]
        uploads = [Upload(f.filename, f.read(limit + 1)) for f in (form.files.data or []) if f and f.filename]
        try:
            submit_report(current_user, assignment, form.text.data, form.state.data, uploads, limit)
        except TaskError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            if wants_partial():
                task = visible_task(current_user, assignment.task_id)
                response = current_app.make_response(
                    render("tasks/show.html", "tasks/_my_assignment.html", **_page_context(task, just_reported=True))
                )
                response.headers["HX-Trigger"] = f"{REPORTED}, {TODO_CHANGED}"
                return response
            flash(_("Report sent to the bureau."), "success")
            return see_other("tasks.show", task_id=assignment.task_id)
    task = visible_task(current_user, assignment.task_id)
    context = _page_context(task, report_form=form, report_error=error)
    return render("tasks/show.html", "tasks/_my_assignment.html", **context), 422


@bp.post("/tasks/reports/<int:report_id>/review")
@managers_only
def review(report_id: int):
    """Accept a report, or return it with a comment; htmx swaps the report in place. A report on another organ's
    task (the city's staff, on a district's school) answers 404."""
    found = reviewable_report(current_user, report_id) or abort(404)
    form = ReviewForm()
    decision = request.form.get("decision", "")
    error = None
    if form.validate():
        try:
            review_report(current_user, found, decision, form.comment.data or "")
        except TaskError as exc:
            db.session.rollback()
            error = str(exc)
    else:
        error = _errors(form)
    task = visible_task(current_user, found.assignment.task_id)
    if error is None:
        if wants_partial():
            response = current_app.make_response(
                render("tasks/show.html", "tasks/_report.html", **_page_context(task), report=found)
            )
            response.headers["HX-Trigger"] = f"{REVIEWED}, {TODO_CHANGED}"
            return response
        if found.review_state == ReviewState.accepted:
            flash(_("Report accepted."), "success")
        else:
            flash(_("Report returned to %(unit)s.", unit=found.assignment.unit.display_name), "success")
        return see_other("tasks.show", task_id=task.id, _anchor=f"report-{found.id}")
    context = _page_context(task, review_form=form, review_errors={found.id: error})
    return render("tasks/show.html", "tasks/_report.html", **context, report=found), 422


@bp.get("/tasks/reports/<int:report_id>/files/<int:index>")
@login_required
def report_file(report_id: int, index: int):
    found = visible_report(current_user, report_id) or abort(404)
    if not 0 <= index < len(found.files or []):
        abort(404)
    entry = found.files[index]
    stored = db.session.get(StoredFile, entry["sha256"]) or abort(404)
    name = entry.get("filename") or "file"
    return send_download(read_bytes(stored.sha256), name, FileKind(stored.content_type, extension_of(name)))


# Reminders (督办)


def _remind(assignment_ids: list[int], message: str) -> None:
    try:
        sent = send_reminders(current_user, assignment_ids, message, mail=MailSettings.from_config(current_app.config))
    except TaskError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return
    emailed = sum(1 for r in sent if r.emailed_to and not r.email_error)
    flash(_("Reminded %(n)d units (%(emailed)d by email).", n=len(sent), emailed=emailed), "success")
    failed = sum(1 for r in sent if r.email_error)
    if failed:
        flash(
            _("%(n)d emails could not be sent; the reminders are in the units' task lists all the same.", n=failed),
            "error",
        )


@bp.post("/tasks/<int:task_id>/reminders")
@managers_only
def remind_task(task_id: int):
    task = managed_task(current_user, task_id) or abort(404)
    form = TaskReminderForm()
    if form.validate():
        ids = {a.id for a in task.assignments}
        if request.form.get("scope") == "all":
            chosen = [a.id for a in task.assignments if not a.is_done]
        else:
            chosen = [i for i in form.assignment_ids.data or [] if i in ids]
        _remind(chosen, form.message.data or "")
    else:
        flash(_errors(form), "error")
    return see_other("tasks.show", task_id=task.id, _anchor="reminders")


@bp.post("/tasks/reminders")
@managers_only
def remind_many():
    """From the dashboard: every overdue unit, or the ticked ones."""
    notice_id = request.form.get("notice", type=int)
    notice = db.session.get(Notice, notice_id) if notice_id else None
    form = TaskReminderForm()
    if form.validate():
        board = build_dashboard(current_user, notice)
        scope = request.form.get("scope")
        if scope in (Urgency.overdue, Urgency.due_soon):
            chosen = [r.assignment.id for r in board.attention if r.deadline.urgency == scope]
        else:
            reachable = {r.assignment.id for r in board.attention}
            chosen = [i for i in form.assignment_ids.data or [] if i in reachable]
        _remind(chosen, form.message.data or "")
    else:
        flash(_errors(form), "error")
    return see_other("tasks.dashboard", notice=notice.id if notice else None, _anchor="attention")


# Supervision


@bp.get("/tasks/dashboard")
@bureau_required
def dashboard():
    notices = issued_notices_with_tasks(current_user)
    notice_id = request.args.get("notice", type=int)
    notice = next((n for n in notices if n.id == notice_id), None)
    return render(
        "tasks/dashboard.html",
        board=build_dashboard(current_user, notice),
        notices=notices,
        notice=notice,
        reminder_form=TaskReminderForm(formdata=None),
        attention_shown=ATTENTION_SHOWN,
    )


# Exports


@bp.get("/notices/<int:notice_id>/tasks.docx")
@bureau_required
def export_docx(notice_id: int):
    notice = _own_notice(notice_id)
    return send_download(tasks_docx(notice), f"{notice.number or notice.id} 任务分解表", DOCX)


@bp.get("/notices/<int:notice_id>/tasks.xlsx")
@bureau_required
def export_xlsx(notice_id: int):
    notice = _own_notice(notice_id)
    return send_download(tasks_xlsx(notice), f"{notice.number or notice.id} 任务分解表", XLSX)


# A district bureau's breakdown (分解) of a city task for its schools


def _breakdown_form(task: Task) -> tuple[BreakdownForm, list]:
    form = BreakdownForm()
    units = assignable_units(current_user)
    form.school_ids.choices = options((u.id, u.name) for u in units)
    form.lead_unit_id.choices = options([(0, "—")] + [(u.id, u.name) for u in units])
    if request.method == "GET":
        form.code.data = suggested_code(task, current_user.organ_id)
        form.title.data = task.title
        form.due_on.data = task.due_on
    return form, units


@bp.route("/tasks/<int:task_id>/breakdown", methods=["GET", "POST"])
@managers_only
def breakdown(task_id: int):
    """Break a task of the organ above, assigned to the person's bureau, down for the bureau's own schools."""
    task = visible_task(current_user, task_id)
    if task is None or not can("tasks.break_down", task):
        abort(404)
    form, units = _breakdown_form(task)
    if form.validate_on_submit():
        if form.every_school.data:
            schools = [u.id for u in units if u.kind == UnitKind.school]
        else:
            schools = list(form.school_ids.data or [])
        data = BreakdownData(
            code=form.code.data,
            title=form.title.data,
            description=form.description.data or "",
            lead_unit_id=form.lead_unit_id.data or None,
            school_ids=schools,
            due_on=form.due_on.data,
        )
        try:
            child = break_down(current_user, task, data)
        except TaskError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash(
                ngettext(
                    "Task %(code)s made for %(num)d school.",
                    "Task %(code)s made for %(num)d schools.",
                    len(child.assignments),
                    code=child.code,
                ),
                "success",
            )
            return see_other("tasks.show", task_id=child.id)
    failed = request.method == "POST" and bool(form.errors or form.form_errors)
    return render("tasks/breakdown.html", form=form, task=task), (422 if failed else 200)
