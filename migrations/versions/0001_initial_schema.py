"""initial schema

Revision ID: 0001
Revises: 
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('loginthrottle',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('wait_until', models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('opening_hours', sa.JSON(), nullable=False),
    sa.Column('created_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_parent_id'), ['parent_id'], unique=False)

    op.create_table('calendarday',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('working', sa.Boolean(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'day')
    )
    op.create_table('feedbackdailytotal',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('within_competence', sa.Integer(), nullable=False),
    sa.Column('transferred', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('set_apart', sa.Integer(), nullable=False),
    sa.Column('due_in_period', sa.Integer(), nullable=False),
    sa.Column('resolved', sa.Integer(), nullable=False),
    sa.Column('handled', sa.Integer(), nullable=False),
    sa.Column('handled_on_time', sa.Integer(), nullable=False),
    sa.Column('citizen_rated', sa.Integer(), nullable=False),
    sa.Column('citizen_satisfied', sa.Integer(), nullable=False),
    sa.Column('overdue_change', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('unit_id', 'local_date'),
    sqlite_with_rowid=False
    )
    op.create_table('feedbackmonthlytotal',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('within_competence', sa.Integer(), nullable=False),
    sa.Column('transferred', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('set_apart', sa.Integer(), nullable=False),
    sa.Column('due_in_period', sa.Integer(), nullable=False),
    sa.Column('resolved', sa.Integer(), nullable=False),
    sa.Column('handled', sa.Integer(), nullable=False),
    sa.Column('handled_on_time', sa.Integer(), nullable=False),
    sa.Column('citizen_rated', sa.Integer(), nullable=False),
    sa.Column('citizen_satisfied', sa.Integer(), nullable=False),
    sa.Column('overdue_change', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('unit_id', 'local_date'),
    sqlite_with_rowid=False
    )
    op.create_table('official',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('photo', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'code')
    )
    with op.batch_alter_table('official', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_official_unit_id'), ['unit_id'], unique=False)

    op.create_table('ratingdailytotal',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('sector', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('suspect', sa.Boolean(), nullable=False),
    sa.Column('suspect_reasons', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('unit_id', 'local_date', 'sector', 'level', 'suspect', 'suspect_reasons'),
    sqlite_with_rowid=False
    )
    op.create_table('ratingmonthlytotal',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('sector', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('suspect', sa.Boolean(), nullable=False),
    sa.Column('suspect_reasons', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('unit_id', 'local_date', 'sector', 'level', 'suspect', 'suspect_reasons'),
    sqlite_with_rowid=False
    )
    op.create_table('registercounter',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('unit_id', 'year')
    )
    op.create_table('servicearea',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name_vi', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('sector', sa.String(length=32), nullable=False),
    sa.Column('classify_days', sa.Integer(), nullable=False),
    sa.Column('resolve_days', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'code')
    )
    with op.batch_alter_table('servicearea', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_servicearea_unit_id'), ['unit_id'], unique=False)

    op.create_table('survey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('sector', sa.String(length=32), nullable=False),
    sa.Column('template', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('created_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_unit_id'), ['unit_id'], unique=False)

    op.create_table('target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'year', 'code')
    )
    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_survey_id'), ['survey_id'], unique=False)

    op.create_table('desk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('service_area_id', sa.Integer(), nullable=True),
    sa.Column('official_id', sa.Integer(), nullable=True),
    sa.Column('serving_since', models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['official_id'], ['official.id'], ),
    sa.ForeignKeyConstraint(['service_area_id'], ['servicearea.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'number')
    )
    with op.batch_alter_table('desk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_desk_unit_id'), ['unit_id'], unique=False)

    op.create_table('dossier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('procedure_name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('procedure_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('area_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('returned_on', sa.Date(), nullable=True),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('official_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=True),
    sa.Column('imported_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['official_id'], ['official.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'code')
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_code', ['code'], unique=False)
        batch_op.create_index('ix_dossier_unit_received', ['unit_id', 'received_on'], unique=False)

    op.create_table('replytemplate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('service_area_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['service_area_id'], ['servicearea.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('replytemplate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_replytemplate_unit_id'), ['unit_id'], unique=False)

    op.create_table('surveyversion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('created_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('survey_id', 'number')
    )
    with op.batch_alter_table('surveyversion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surveyversion_survey_id'), ['survey_id'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('official_id', sa.Integer(), nullable=True),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['official_id'], ['official.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_unit_id'), ['unit_id'], unique=False)

    op.create_table('auditlog',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('object_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('auditlog', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auditlog_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_auditlog_object_id'), ['object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_auditlog_user_id'), ['user_id'], unique=False)

    op.create_table('campaignunit',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('campaign_id', 'unit_id')
    )
    op.create_table('deskduty',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('desk_id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('started_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['desk_id'], ['desk.id'], ),
    sa.ForeignKeyConstraint(['official_id'], ['official.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('deskduty', schema=None) as batch_op:
        batch_op.create_index('ix_deskduty_desk_started', ['desk_id', 'started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_deskduty_official_id'), ['official_id'], unique=False)

    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('register_year', sa.Integer(), nullable=False),
    sa.Column('register_number', sa.Integer(), nullable=False),
    sa.Column('tracking_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('service_area_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('consent_version', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('consent_at', models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('contact_anonymised_at', models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('filed_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('within_competence', sa.Boolean(), nullable=True),
    sa.Column('received_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_date', sa.Date(), nullable=False),
    sa.Column('classify_due', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('original_due_date', sa.Date(), nullable=True),
    sa.Column('rescheduled_to', sa.Date(), nullable=True),
    sa.Column('classified_at', models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('transferred_to', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('rejection_reason', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('duplicate_of_id', sa.Integer(), nullable=True),
    sa.Column('waiting_since', sa.Date(), nullable=True),
    sa.Column('answered_at', models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('handled_date', sa.Date(), nullable=True),
    sa.Column('resolution', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('reopened_at', models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('citizen_level', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('citizen_rated_at', models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('dossier_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('qd766_settled_from', sa.Date(), nullable=True),
    sa.Column('qd766_counted', sa.Boolean(), nullable=False),
    sa.Column('qd766_on_time', sa.Boolean(), nullable=False),
    sa.Column('qd766_satisfied', sa.Boolean(), nullable=False),
    sa.Column('closed_resolved', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['feedback.id'], ),
    sa.ForeignKeyConstraint(['filed_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['service_area_id'], ['servicearea.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tracking_code'),
    sa.UniqueConstraint('unit_id', 'register_year', 'register_number')
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index('ix_feedback_filed_by', ['filed_by_id'], unique=False)
        batch_op.create_index('ix_feedback_phone', ['phone'], unique=False)
        batch_op.create_index('ix_feedback_qd766', ['unit_id', 'received_date', 'qd766_settled_from', 'qd766_counted', 'qd766_on_time', 'qd766_satisfied'], unique=False)
        batch_op.create_index('ix_feedback_resolved', ['closed_resolved', 'unit_id', 'handled_date', 'due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_service_area_id'), ['service_area_id'], unique=False)
        batch_op.create_index('ix_feedback_unit_assignee_status', ['unit_id', 'assignee_id', 'status'], unique=False)
        batch_op.create_index('ix_feedback_unit_dossier', ['unit_id', 'dossier_code'], unique=False)
        batch_op.create_index('ix_feedback_unit_due', ['unit_id', 'due_date', 'id'], unique=False)
        batch_op.create_index('ix_feedback_unit_status_due', ['unit_id', 'status', 'due_date'], unique=False)

    op.create_table('kiosk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('desk_id', sa.Integer(), nullable=True),
    sa.Column('service_area_id', sa.Integer(), nullable=True),
    sa.Column('criteria_enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('paired_at', models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_seen_at', models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('queue_length', sa.Integer(), nullable=False),
    sa.Column('app_version', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.ForeignKeyConstraint(['desk_id'], ['desk.id'], ),
    sa.ForeignKeyConstraint(['service_area_id'], ['servicearea.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('kiosk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kiosk_unit_id'), ['unit_id'], unique=False)

    op.create_table('periodclosing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=False),
    sa.Column('closed_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'period_start', 'period_end')
    )
    with op.batch_alter_table('periodclosing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_periodclosing_unit_id'), ['unit_id'], unique=False)

    op.create_table('qrcode',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.String(length=32), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('desk_id', sa.Integer(), nullable=True),
    sa.Column('official_id', sa.Integer(), nullable=True),
    sa.Column('service_area_id', sa.Integer(), nullable=True),
    sa.Column('survey_slug', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('scan_count', sa.Integer(), nullable=False),
    sa.Column('last_scan_at', models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['desk_id'], ['desk.id'], ),
    sa.ForeignKeyConstraint(['official_id'], ['official.id'], ),
    sa.ForeignKeyConstraint(['service_area_id'], ['servicearea.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('qrcode', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qrcode_unit_id'), ['unit_id'], unique=False)

    op.create_table('surveyresponse',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('body_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('submitted_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('token_nonce', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('source_hash', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('token_family', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('suspect', sa.Boolean(), nullable=False),
    sa.Column('suspect_reasons', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['surveyversion.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('client_id'),
    sa.UniqueConstraint('token_nonce')
    )
    with op.batch_alter_table('surveyresponse', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surveyresponse_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index('ix_surveyresponse_survey_date', ['survey_id', 'local_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_surveyresponse_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_surveyresponse_version_id'), ['version_id'], unique=False)

    op.create_table('userservicearea',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('service_area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['service_area_id'], ['servicearea.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('user_id', 'service_area_id')
    )
    op.create_table('alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('desk_id', sa.Integer(), nullable=True),
    sa.Column('kiosk_id', sa.Integer(), nullable=True),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('starts_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['desk_id'], ['desk.id'], ),
    sa.ForeignKeyConstraint(['kiosk_id'], ['kiosk.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_unit_id'), ['unit_id'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('created_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('stored_name')
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_feedback_id'), ['feedback_id'], unique=False)

    op.create_table('extension',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('letter_number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('letter_date', sa.Date(), nullable=False),
    sa.Column('state_when_late', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('original_due_date', sa.Date(), nullable=False),
    sa.Column('new_due_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('apology', sa.Text(), nullable=False),
    sa.Column('signer_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('signer_title', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], ),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('feedback_id')
    )
    op.create_table('feedbackevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('at', models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('feedbackevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedbackevent_feedback_id'), ['feedback_id'], unique=False)

    op.create_table('kioskdevice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kiosk_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('paired_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('revoked_at', models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['kiosk_id'], ['kiosk.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('kioskdevice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kioskdevice_kiosk_id'), ['kiosk_id'], unique=False)

    op.create_table('outboxmessage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('created_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outboxmessage_feedback_id'), ['feedback_id'], unique=False)

    op.create_table('qrscanday',
    sa.Column('qr_code_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['qr_code_id'], ['qrcode.id'], ),
    sa.PrimaryKeyConstraint('qr_code_id', 'day')
    )
    op.create_table('rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('body_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('kiosk_id', sa.Integer(), nullable=True),
    sa.Column('desk_id', sa.Integer(), nullable=True),
    sa.Column('official_id', sa.Integer(), nullable=True),
    sa.Column('service_area_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.String(length=32), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('dossier_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('tapped_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('received_at', models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('suspect', sa.Boolean(), nullable=False),
    sa.Column('suspect_reasons', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['desk_id'], ['desk.id'], ),
    sa.ForeignKeyConstraint(['kiosk_id'], ['kiosk.id'], ),
    sa.ForeignKeyConstraint(['official_id'], ['official.id'], ),
    sa.ForeignKeyConstraint(['service_area_id'], ['servicearea.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('client_id')
    )
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_desk_id'), ['desk_id'], unique=False)
        batch_op.create_index('ix_rating_kiosk_tapped', ['kiosk_id', 'tapped_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_rating_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rating_service_area_id'), ['service_area_id'], unique=False)
        batch_op.create_index('ix_rating_unit_date', ['unit_id', 'local_date', 'suspect', 'level', 'service_area_id', 'official_id', 'desk_id', 'kiosk_id', 'channel', 'tapped_at'], unique=False)
        batch_op.create_index('ix_rating_unit_dossier', ['unit_id', 'dossier_code'], unique=False)
        batch_op.create_index('ix_rating_unit_level_date', ['unit_id', 'level', 'local_date'], unique=False)

    op.create_table('surveyanswer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('value_int', sa.Integer(), nullable=True),
    sa.Column('value_text', sa.Text(), nullable=True),
    sa.Column('element', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('overall', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['surveyresponse.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('surveyanswer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surveyanswer_element'), ['element'], unique=False)
        batch_op.create_index(batch_op.f('ix_surveyanswer_response_id'), ['response_id'], unique=False)

    op.create_table('qrrating',
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('qr_code_id', sa.Integer(), nullable=False),
    sa.Column('visitor_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('at', models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['qr_code_id'], ['qrcode.id'], ),
    sa.ForeignKeyConstraint(['rating_id'], ['rating.id'], ),
    sa.PrimaryKeyConstraint('rating_id')
    )
    with op.batch_alter_table('qrrating', schema=None) as batch_op:
        batch_op.create_index('ix_qrrating_qr_visitor_at', ['qr_code_id', 'visitor_hash', 'at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('qrrating', schema=None) as batch_op:
        batch_op.drop_index('ix_qrrating_qr_visitor_at')

    op.drop_table('qrrating')
    with op.batch_alter_table('surveyanswer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveyanswer_response_id'))
        batch_op.drop_index(batch_op.f('ix_surveyanswer_element'))

    op.drop_table('surveyanswer')
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_index('ix_rating_unit_level_date')
        batch_op.drop_index('ix_rating_unit_dossier')
        batch_op.drop_index('ix_rating_unit_date')
        batch_op.drop_index(batch_op.f('ix_rating_service_area_id'))
        batch_op.drop_index(batch_op.f('ix_rating_official_id'))
        batch_op.drop_index('ix_rating_kiosk_tapped')
        batch_op.drop_index(batch_op.f('ix_rating_desk_id'))

    op.drop_table('rating')
    op.drop_table('qrscanday')
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outboxmessage_feedback_id'))
        batch_op.drop_index('ix_outbox_due')

    op.drop_table('outboxmessage')
    with op.batch_alter_table('kioskdevice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kioskdevice_kiosk_id'))

    op.drop_table('kioskdevice')
    with op.batch_alter_table('feedbackevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedbackevent_feedback_id'))

    op.drop_table('feedbackevent')
    op.drop_table('extension')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_feedback_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_unit_id'))

    op.drop_table('alert')
    op.drop_table('userservicearea')
    with op.batch_alter_table('surveyresponse', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveyresponse_version_id'))
        batch_op.drop_index(batch_op.f('ix_surveyresponse_unit_id'))
        batch_op.drop_index('ix_surveyresponse_survey_date')
        batch_op.drop_index(batch_op.f('ix_surveyresponse_campaign_id'))

    op.drop_table('surveyresponse')
    with op.batch_alter_table('qrcode', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qrcode_unit_id'))

    op.drop_table('qrcode')
    with op.batch_alter_table('periodclosing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_periodclosing_unit_id'))

    op.drop_table('periodclosing')
    with op.batch_alter_table('kiosk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kiosk_unit_id'))

    op.drop_table('kiosk')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_unit_status_due')
        batch_op.drop_index('ix_feedback_unit_due')
        batch_op.drop_index('ix_feedback_unit_dossier')
        batch_op.drop_index('ix_feedback_unit_assignee_status')
        batch_op.drop_index(batch_op.f('ix_feedback_service_area_id'))
        batch_op.drop_index('ix_feedback_resolved')
        batch_op.drop_index('ix_feedback_qd766')
        batch_op.drop_index('ix_feedback_phone')
        batch_op.drop_index('ix_feedback_filed_by')
        batch_op.drop_index(batch_op.f('ix_feedback_assignee_id'))

    op.drop_table('feedback')
    with op.batch_alter_table('deskduty', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deskduty_official_id'))
        batch_op.drop_index('ix_deskduty_desk_started')

    op.drop_table('deskduty')
    op.drop_table('campaignunit')
    with op.batch_alter_table('auditlog', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auditlog_user_id'))
        batch_op.drop_index(batch_op.f('ix_auditlog_object_id'))
        batch_op.drop_index(batch_op.f('ix_auditlog_at'))

    op.drop_table('auditlog')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_unit_id'))

    op.drop_table('user')
    with op.batch_alter_table('surveyversion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveyversion_survey_id'))

    op.drop_table('surveyversion')
    with op.batch_alter_table('replytemplate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_replytemplate_unit_id'))

    op.drop_table('replytemplate')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_unit_received')
        batch_op.drop_index('ix_dossier_code')

    op.drop_table('dossier')
    with op.batch_alter_table('desk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_desk_unit_id'))

    op.drop_table('desk')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_survey_id'))

    op.drop_table('campaign')
    op.drop_table('target')
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_unit_id'))

    op.drop_table('survey')
    with op.batch_alter_table('servicearea', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_servicearea_unit_id'))

    op.drop_table('servicearea')
    op.drop_table('registercounter')
    op.drop_table('ratingmonthlytotal')
    op.drop_table('ratingdailytotal')
    with op.batch_alter_table('official', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_official_unit_id'))

    op.drop_table('official')
    op.drop_table('feedbackmonthlytotal')
    op.drop_table('feedbackdailytotal')
    op.drop_table('calendarday')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_parent_id'))

    op.drop_table('unit')
    op.drop_table('loginthrottle')
