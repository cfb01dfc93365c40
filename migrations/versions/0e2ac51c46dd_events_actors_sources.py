"""events, actors, sources and their vocabularies

Categories and actor kinds are tables, filled here, so that events and actors can only use
the vocabulary (foreign keys) and later revisions can add to it without a schema change.

Revision ID: 0e2ac51c46dd
Revises: 
Create Date: 2026-11-24 23:38:58.069302

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0e2ac51c46dd'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('actor_kinds',
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('slug', name=op.f('pk_actor_kinds'))
    )
    op.create_table('categories',
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('slug', name=op.f('pk_categories'))
    )
    op.create_table('actors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('homepage', sa.String(length=2048), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint("(homepage LIKE 'http://_%' OR homepage LIKE 'https://_%') AND homepage NOT LIKE '% %' AND length(homepage) <= 2048", name=op.f('ck_actors_homepage_url')),
    sa.ForeignKeyConstraint(['kind'], ['actor_kinds.slug'], name=op.f('fk_actors_kind_actor_kinds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actors')),
    sa.UniqueConstraint('slug', name=op.f('uq_actors_slug'))
    )
    with op.batch_alter_table('actors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actors_kind'), ['kind'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('start', sa.String(length=10), nullable=False),
    sa.Column('end', sa.String(length=10), nullable=True),
    sa.Column('precision', sa.Enum('day', 'month', 'year', name='precision', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('ongoing', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', name='status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('"end" IS NULL OR length("end") = length("start")', name=op.f('ck_events_end_precision')),
    sa.CheckConstraint('("precision" = \'day\' AND length("start") = 10)\n            OR ("precision" = \'month\' AND length("start") = 7)\n            OR ("precision" = \'year\' AND length("start") = 4)', name=op.f('ck_events_start_matches_precision')),
    sa.CheckConstraint('NOT (ongoing AND "end" IS NOT NULL)', name=op.f('ck_events_ongoing_has_no_end')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_events_end_not_before_start')),
    sa.CheckConstraint('length(trim(title)) > 0', name=op.f('ck_events_title_not_blank')),
    sa.ForeignKeyConstraint(['category'], ['categories.slug'], name=op.f('fk_events_category_categories')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('slug', name=op.f('uq_events_slug'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_category'), ['category'], unique=False)
        batch_op.create_index('ix_events_status_chronology', ['status', 'starts_on', 'ends_on', 'id'], unique=False)
        batch_op.create_index('ix_events_status_ends_on', ['status', 'ends_on'], unique=False)

    op.create_table('actor_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_actor_aliases_actor_id_actors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor_aliases')),
    sa.UniqueConstraint('slug', name=op.f('uq_actor_aliases_slug'))
    )
    with op.batch_alter_table('actor_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actor_aliases_actor_id'), ['actor_id'], unique=False)

    op.create_table('event_actors',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('subject', 'party', 'counterparty', 'participant', 'vendor', 'authority', 'reporter', name='role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_event_actors_actor_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_actors_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'actor_id', name=op.f('pk_event_actors'))
    )
    with op.batch_alter_table('event_actors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_actors_actor_id'), ['actor_id'], unique=False)

    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=True),
    sa.Column('publisher', sa.String(length=200), nullable=True),
    sa.Column('published', sa.String(length=10), nullable=True),
    sa.Column('accessed_on', sa.Date(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("(url LIKE 'http://_%' OR url LIKE 'https://_%') AND url NOT LIKE '% %' AND length(url) <= 2048", name=op.f('ck_sources_url_well_formed')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_sources_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources')),
    sa.UniqueConstraint('event_id', 'url', name=op.f('uq_sources_event_id_url'))
    )
    op.bulk_insert(_vocabulary("categories"), [
        {"slug": slug, "label": label, "description": description}
        for slug, label, description in CATEGORIES
    ])
    op.bulk_insert(_vocabulary("actor_kinds"), [
        {"slug": slug, "label": label, "description": None} for slug, label in ACTOR_KINDS
    ])


def _vocabulary(name):
    return sa.table(
        name, sa.column("slug", sa.String), sa.column("label", sa.String),
        sa.column("description", sa.Text),
    )


CATEGORIES = [
    ("model-release", "Model release", "A generally available AI product or model."),
    ("demo", "Demo", "An unveiling or research preview without public access."),
    ("production-use", "Production use", "AI used in a released or announced film, show or ad."),
    ("studio-deal", "Studio deal", "A deal between a studio or streamer and an AI company."),
    ("funding", "Funding", "An investment in an AI company or venture."),
    ("outreach", "Outreach", "AI companies courting Hollywood."),
    ("labor-action", "Labor action", "Strikes and walkouts."),
    ("labor-agreement", "Labor agreement", "Tentative deals and ratifications."),
    ("lawsuit", "Lawsuit", "A suit filed in court."),
    ("legal-action", "Legal action", "Cease-and-desist letters and other demands short of a suit."),
    ("legislation", "Legislation", "Bills introduced, passed or signed."),
    ("policy", "Policy", "Rules set by a company, an academy, a guild or an agency."),
    ("government-report", "Government report", "A report or guidance from a government body."),
    ("statement", "Statement", "A public statement by an actor."),
    ("controversy", "Controversy", "A public dispute or backlash."),
    ("business-decision", "Business decision", "A company's decision attributed to AI."),
    ("award", "Award", "An award or prize."),
    ("shutdown", "Shutdown", "A product or service withdrawn."),
]

ACTOR_KINDS = [
    ("person", "Person"), ("studio", "Studio"), ("streamer", "Streamer"),
    ("production-company", "Production company"), ("vfx-company", "VFX company"),
    ("game-company", "Game company"), ("ai-company", "AI company"),
    ("tech-company", "Tech company"), ("union", "Union"), ("guild", "Guild"),
    ("trade-association", "Trade association"), ("talent-agency", "Talent agency"),
    ("awards-body", "Awards body"), ("festival", "Festival"), ("government", "Government"),
    ("legislature", "Legislature"), ("court", "Court"), ("estate", "Estate"),
    ("media-outlet", "Media outlet"), ("law-firm", "Law firm"),
    ("artist-collective", "Artist collective"),
]


def downgrade():
    op.drop_table('sources')
    with op.batch_alter_table('event_actors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_actors_actor_id'))

    op.drop_table('event_actors')
    with op.batch_alter_table('actor_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actor_aliases_actor_id'))

    op.drop_table('actor_aliases')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_status_ends_on')
        batch_op.drop_index('ix_events_status_chronology')
        batch_op.drop_index(batch_op.f('ix_events_category'))

    op.drop_table('events')
    with op.batch_alter_table('actors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actors_kind'))

    op.drop_table('actors')
    op.drop_table('categories')
    op.drop_table('actor_kinds')
