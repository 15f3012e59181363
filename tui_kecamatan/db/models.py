"""The office's tables as peewee models, bound at run time to the database `connection.open_database` opens."""

from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    CompositeKey,
    DatabaseProxy,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

# Every model is bound to this proxy; `connection.open_database` points it at the real database.
# "TKEC" in the SQLite header: tells our databases from any other SQLite file.
APPLICATION_ID = 0x544B4543

database = DatabaseProxy()


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


# --- office-wide settings -------------------------------------------------------------------


class OfficeProfile(BaseModel):
    """The one row describing the office; `configured` is false until the setup screen ran."""

    id = AutoField()
    name = CharField(default="")  # "Kantor Kecamatan Pasar Kemis"
    kecamatan = CharField(default="")
    kabupaten = CharField(default="")  # kabupaten/kota
    province = CharField(default="")
    address = TextField(default="")
    phone = CharField(default="")
    email = CharField(default="")
    opening_hours = CharField(default="Senin-Jumat 08.00-15.00 WIB")
    configured = BooleanField(default=False)
    head_name = CharField(default="")  # the head of office (camat) who signs reports
    head_nip = CharField(default="")  # their civil servant number (NIP, 18 digits)


class Setting(BaseModel):
    """Office-wide settings that are not part of the profile (no-show calls, message templates...)."""

    key = CharField(primary_key=True)
    value = TextField()


class Desa(BaseModel):
    """A desa or kelurahan (village or urban ward) of the kecamatan, kept by the admin."""

    id = AutoField()
    name = CharField(unique=True)
    kind = CharField(default="desa")  # desa | kelurahan
    active = BooleanField(default=True)


class Holiday(BaseModel):
    """A day the office is closed, skipped when working-day targets are counted."""

    day = DateField(primary_key=True)
    name = CharField(default="")


# --- services -------------------------------------------------------------------------------


class Service(BaseModel):
    """A service (layanan) of the office with its queue prefix and working-day target."""

    id = AutoField()
    code = CharField(unique=True)  # KK, KTP, REKAM ... upper-case ASCII
    name = CharField()
    prefix = CharField(unique=True)  # queue letter: A, B, ...
    target_days = IntegerField(default=3)  # working days until the document is ready
    needs_kk = BooleanField(default=False)
    suspended = BooleanField(default=False)
    suspended_reason = TextField(default="")
    urgent_only = BooleanField(default=False)  # while suspended, a supervisor may still mark urgent
    active = BooleanField(default=True)
    position = IntegerField(default=0)


class ServiceRequirement(BaseModel):
    """One line of a service's requirement list; kind 'berkas' is a document, 'protokol' a
    health-protocol step checked before serving (perekaman KTP-el)."""

    id = AutoField()
    service = ForeignKeyField(Service, backref="requirements", on_delete="CASCADE")
    text = TextField()
    mandatory = BooleanField(default=True)
    position = IntegerField(default=0)
    kind = CharField(default="berkas")  # berkas | protokol


# --- staff and counters ---------------------------------------------------------------------


class Counter(BaseModel):
    """A counter (loket) where an operator calls tickets."""

    id = AutoField()
    number = IntegerField(unique=True)
    name = CharField()
    active = BooleanField(default=True)


class CounterService(BaseModel):
    """Which services a counter calls; a counter with none calls every service."""

    counter = ForeignKeyField(Counter, backref="service_links", on_delete="CASCADE")
    service = ForeignKeyField(Service, backref="counter_links", on_delete="CASCADE")

    class Meta:
        primary_key = CompositeKey("counter", "service")


class Staff(BaseModel):
    """A staff account (petugas). Failed logins are counted here so every process sees them."""

    id = AutoField()
    username = CharField(unique=True)
    full_name = CharField(default="")
    role = CharField()  # operator | supervisor | admin | display
    password_hash = TextField()
    active = BooleanField(default=True)
    failed_logins = IntegerField(default=0)
    last_failed_at = DateTimeField(null=True)
    locked = BooleanField(default=False)
    created_at = DateTimeField()
    last_login_at = DateTimeField(null=True)


# --- queue ----------------------------------------------------------------------------------


class DailyCounter(BaseModel):
    """The last ticket number given for a prefix on a local day; updated with
    INSERT ... ON CONFLICT DO UPDATE ... RETURNING in the ticket's own transaction."""

    day = DateField()
    prefix = CharField()
    last_number = IntegerField(default=0)

    class Meta:
        primary_key = CompositeKey("day", "prefix")


class Ticket(BaseModel):
    """A queue ticket (nomor antrian). Numbers are never reused: a cancelled ticket keeps its own."""

    id = AutoField()
    day = DateField(index=True)  # local day of issue
    prefix = CharField()
    number = IntegerField()
    code = CharField()  # "A-007"
    service = ForeignKeyField(Service, backref="tickets")
    status = CharField(default="waiting", index=True)
    urgent = BooleanField(default=False)
    issued_at = DateTimeField()  # the place in the queue, kept through a transfer
    first_called_at = DateTimeField(null=True)
    called_at = DateTimeField(null=True)
    call_count = IntegerField(default=0)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)
    counter = ForeignKeyField(Counter, null=True, backref="tickets")
    staff = ForeignKeyField(Staff, null=True, backref="tickets")
    reason = TextField(default="")  # cancel reason or transfer note
    protocol_done = BooleanField(default=False)
    urgent_reason = TextField(default="")  # why a supervisor approved an urgent ticket
    approved_by = ForeignKeyField(Staff, null=True, backref="approved_tickets")

    class Meta:
        indexes = ((("day", "prefix", "number"), True),)


class HealthCheck(BaseModel):
    """A health-protocol step recorded for a ticket before it is served (perekaman KTP-el)."""

    id = AutoField()
    ticket = ForeignKeyField(Ticket, backref="health_checks", on_delete="CASCADE")
    text = TextField()
    checked = BooleanField(default=False)
    staff = ForeignKeyField(Staff, null=True)
    at = DateTimeField()


# --- requests -------------------------------------------------------------------------------


class Citizen(BaseModel):
    """A citizen (penduduk) known by NIK; a NIK seen before fills in the intake form."""

    id = AutoField()
    nik = CharField(unique=True)
    name = CharField()
    kk_number = CharField(default="")
    phone = CharField(default="")  # E.164
    desa = CharField(default="")
    updated_at = DateTimeField()


class Request(BaseModel):
    """A request (permohonan) with its own copy of the applicant's details at intake."""

    id = AutoField()
    reg_no = CharField(unique=True)  # "20261128-0045"
    reg_seq = IntegerField(default=0, index=True)  # 45: the daily part, found by "0045" in a search
    service = ForeignKeyField(Service, backref="requests")
    citizen = ForeignKeyField(Citizen, backref="requests")
    nik = CharField(index=True)
    name = CharField(index=True)
    kk_number = CharField(default="")
    phone = CharField(default="", index=True)
    desa = CharField(default="")
    channel = CharField(default="walk_in")  # walk_in | whatsapp
    status = CharField(default="received", index=True)
    ticket = ForeignKeyField(Ticket, null=True, backref="requests")
    counter = ForeignKeyField(Counter, null=True)
    created_by = ForeignKeyField(Staff, null=True, backref="requests")
    created_at = DateTimeField(index=True)
    updated_at = DateTimeField()
    due_date = DateField(null=True)
    ready_at = DateTimeField(null=True, index=True)
    closed_at = DateTimeField(null=True)
    reason = TextField(default="")  # cancel or reject reason
    urgent = BooleanField(default=False)  # taken for a suspended urgent-only service
    urgent_reason = TextField(default="")  # why, as the approving supervisor recorded it
    approved_by = ForeignKeyField(Staff, null=True, backref="approved_requests")

    class Meta:
        # Reports: requests closed or due in a period, by state.
        indexes = ((("status", "closed_at"), False), (("status", "due_date"), False))


class RequestDailyCounter(BaseModel):
    """The last registration number given on a local day."""

    day = DateField(primary_key=True)
    last_number = IntegerField(default=0)


class RequestItem(BaseModel):
    """One requirement of a request, copied from the service at intake so later edits of the
    service do not rewrite history."""

    id = AutoField()
    request = ForeignKeyField(Request, backref="items", on_delete="CASCADE")
    position = IntegerField(default=0)
    text = TextField()
    mandatory = BooleanField(default=True)
    checked = BooleanField(default=False)
    note = TextField(default="")


class Contact(BaseModel):
    """A message the operator confirmed sending to the citizen (WhatsApp, by hand)."""

    id = AutoField()
    request = ForeignKeyField(Request, backref="contacts", on_delete="CASCADE")
    kind = CharField()  # missing | ready | sent
    channel = CharField(default="whatsapp")
    phone = CharField(default="")
    message = TextField(default="")
    staff = ForeignKeyField(Staff, null=True)
    at = DateTimeField(index=True)


class Pickup(BaseModel):
    """The collection of a finished document; UNIQUE on the request makes it happen once."""

    id = AutoField()
    request = ForeignKeyField(Request, unique=True, backref="pickups", on_delete="CASCADE")
    collector_kind = CharField()  # self | family | proxy | electronic
    collector_name = CharField(default="")
    collector_nik = CharField(default="")
    note = TextField(default="")
    staff = ForeignKeyField(Staff, null=True)
    at = DateTimeField(index=True)


class Draft(BaseModel):
    """A form a staff member was typing when the terminal went away (an SSH line that dropped),
    offered back at their next login. One per staff member and form; deleted when the form is
    saved or discarded. `data` holds the form's fields as JSON, nothing more."""

    id = AutoField()
    staff = ForeignKeyField(Staff, backref="drafts", on_delete="CASCADE")
    kind = CharField()  # intake
    data = TextField(default="{}")
    updated_at = DateTimeField()

    class Meta:
        indexes = ((("staff", "kind"), True),)


# --- printing and audit ---------------------------------------------------------------------


class PrintJob(BaseModel):
    """A document to print, recorded before it is sent so a failed print is never lost."""

    id = AutoField()
    kind = CharField()  # ticket | receipt | proof | checklist | report | test
    printer = CharField(default="receipt")  # the config section: receipt | a4
    ref_table = CharField(default="")
    ref_id = IntegerField(null=True)
    payload = TextField(default="{}")  # the document's data as JSON, enough to print it again
    status = CharField(default="pending", index=True)  # pending | printed | failed
    error = TextField(default="")
    attempts = IntegerField(default=0)
    staff = ForeignKeyField(Staff, null=True)
    created_at = DateTimeField()
    printed_at = DateTimeField(null=True)


class AuditEvent(BaseModel):
    """Append-only record of every change: triggers refuse UPDATE, DELETE and REPLACE."""

    id = AutoField()
    at = DateTimeField(index=True)
    staff = ForeignKeyField(Staff, null=True)
    actor = CharField(default="")  # username at the time, or "sistem"
    action = CharField()
    table_name = CharField(default="")
    record_id = IntegerField(null=True)
    detail = TextField(default="")
    # sha256 over the previous row's hash and this row's fields (db/audit_chain.py, written by
    # core/audit.record): a row changed, removed or inserted behind the app's back breaks the
    # chain, which `check` finds.
    hash = CharField(null=True)

    class Meta:
        indexes = ((("table_name", "record_id"), False), (("action", "at"), False), (("staff", "at"), False))


class Presence(BaseModel):
    """A running app or command: who and where, refreshed while it runs, so `restore` knows who
    would lose their work and the admin screen shows who is connected."""

    id = AutoField()
    kind = CharField()  # app | board | kiosk | cli
    host = CharField()  # the machine's name
    pid = IntegerField()
    station = CharField(default="")  # [station] name of the config, or the terminal
    client = CharField(default="")  # the SSH client's address, when over SSH
    staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    actor = CharField(default="")  # username, or "cli:<user>"
    started_at = DateTimeField()
    last_seen = DateTimeField(index=True)

    class Meta:
        indexes = ((("host", "pid"), True),)


ALL_MODELS = [
    OfficeProfile,
    Setting,
    Desa,
    Holiday,
    Service,
    ServiceRequirement,
    Counter,
    CounterService,
    Staff,
    DailyCounter,
    Ticket,
    HealthCheck,
    Citizen,
    Request,
    RequestDailyCounter,
    RequestItem,
    Contact,
    Pickup,
    Draft,
    PrintJob,
    AuditEvent,
    Presence,
]
