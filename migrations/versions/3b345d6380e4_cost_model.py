"""cost model reference data: GPUs and their prices, video models, measured runs, API and LLM
prices, scenarios

Reviewed by hand: the unique (gpu_id, observed) constraint serves lookups by GPU, so
gpu_prices gets no separate gpu_id index; every CHECK is named by the convention.

Revision ID: 3b345d6380e4
Revises: 0e2ac51c46dd
Create Date: 2026-11-25 00:03:34.465566

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b345d6380e4'
down_revision = '0e2ac51c46dd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_prices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=False),
    sa.Column('product', sa.String(length=200), nullable=False),
    sa.Column('resolution', sa.String(length=40), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('usd_per_second', sa.Float(), nullable=False),
    sa.Column('observed', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.CheckConstraint('height > 0', name=op.f('ck_api_prices_height_positive')),
    sa.CheckConstraint('length(observed) IN (4, 7, 10)', name=op.f('ck_api_prices_observed_partial_date')),
    sa.CheckConstraint('usd_per_second > 0', name=op.f('ck_api_prices_usd_per_second_positive')),
    sa.CheckConstraint('width > 0', name=op.f('ck_api_prices_width_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_prices')),
    sa.UniqueConstraint('provider', 'product', 'resolution', 'observed', name=op.f('uq_api_prices_provider_product_resolution_observed'))
    )
    op.create_table('gpus',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('generation', sa.String(length=20), nullable=False),
    sa.Column('released', sa.String(length=10), nullable=True),
    sa.Column('bf16_tflops', sa.Float(), nullable=False),
    sa.Column('fp8_tflops', sa.Float(), nullable=True),
    sa.Column('memory_gb', sa.Float(), nullable=True),
    sa.Column('bandwidth_tbs', sa.Float(), nullable=True),
    sa.Column('nvlink_gbs', sa.Float(), nullable=True),
    sa.Column('priced_like_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.CheckConstraint("generation IN ('ampere', 'ada', 'hopper', 'blackwell')", name=op.f('ck_gpus_generation_known')),
    sa.CheckConstraint('bf16_tflops > 0', name=op.f('ck_gpus_bf16_tflops_positive')),
    sa.CheckConstraint('fp8_tflops IS NULL OR fp8_tflops > 0', name=op.f('ck_gpus_fp8_tflops_positive')),
    sa.ForeignKeyConstraint(['priced_like_id'], ['gpus.id'], name=op.f('fk_gpus_priced_like_id_gpus')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gpus')),
    sa.UniqueConstraint('slug', name=op.f('uq_gpus_slug'))
    )
    op.create_table('llm_prices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model', sa.String(length=100), nullable=False),
    sa.Column('observed', sa.String(length=10), nullable=False),
    sa.Column('usd_per_1k_input', sa.Float(), nullable=False),
    sa.Column('usd_per_1k_output', sa.Float(), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.CheckConstraint('length(observed) IN (4, 7, 10)', name=op.f('ck_llm_prices_observed_partial_date')),
    sa.CheckConstraint('usd_per_1k_input > 0', name=op.f('ck_llm_prices_usd_per_1k_input_positive')),
    sa.CheckConstraint('usd_per_1k_output > 0', name=op.f('ck_llm_prices_usd_per_1k_output_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_llm_prices')),
    sa.UniqueConstraint('model', name=op.f('uq_llm_prices_model'))
    )
    op.create_table('video_models',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('released', sa.String(length=10), nullable=True),
    sa.Column('params', sa.BigInteger(), nullable=False),
    sa.Column('layers', sa.Integer(), nullable=False),
    sa.Column('hidden', sa.Integer(), nullable=False),
    sa.Column('vae_t', sa.Integer(), nullable=False),
    sa.Column('vae_s', sa.Integer(), nullable=False),
    sa.Column('patch_t', sa.Integer(), nullable=False),
    sa.Column('patch_s', sa.Integer(), nullable=False),
    sa.Column('steps', sa.Integer(), nullable=False),
    sa.Column('guidance_passes', sa.Integer(), nullable=False),
    sa.Column('fps', sa.Float(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.CheckConstraint('fps > 0', name=op.f('ck_video_models_fps_positive')),
    sa.CheckConstraint('guidance_passes > 0', name=op.f('ck_video_models_guidance_passes_positive')),
    sa.CheckConstraint('hidden > 0', name=op.f('ck_video_models_hidden_positive')),
    sa.CheckConstraint('layers > 0', name=op.f('ck_video_models_layers_positive')),
    sa.CheckConstraint('params > 0', name=op.f('ck_video_models_params_positive')),
    sa.CheckConstraint('patch_s > 0', name=op.f('ck_video_models_patch_s_positive')),
    sa.CheckConstraint('patch_t > 0', name=op.f('ck_video_models_patch_t_positive')),
    sa.CheckConstraint('steps > 0', name=op.f('ck_video_models_steps_positive')),
    sa.CheckConstraint('vae_s > 0', name=op.f('ck_video_models_vae_s_positive')),
    sa.CheckConstraint('vae_t > 0', name=op.f('ck_video_models_vae_t_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_video_models')),
    sa.UniqueConstraint('slug', name=op.f('uq_video_models_slug'))
    )
    op.create_table('gpu_prices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gpu_id', sa.Integer(), nullable=False),
    sa.Column('observed', sa.String(length=10), nullable=False),
    sa.Column('usd_low', sa.Float(), nullable=True),
    sa.Column('usd_typical', sa.Float(), nullable=True),
    sa.Column('usd_high', sa.Float(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.CheckConstraint('length(observed) IN (4, 7, 10)', name=op.f('ck_gpu_prices_observed_partial_date')),
    sa.CheckConstraint('usd_low IS NOT NULL OR usd_typical IS NOT NULL OR usd_high IS NOT NULL', name=op.f('ck_gpu_prices_some_price')),
    sa.CheckConstraint('usd_low IS NULL OR usd_high IS NULL OR usd_low <= usd_high', name=op.f('ck_gpu_prices_range')),
    sa.ForeignKeyConstraint(['gpu_id'], ['gpus.id'], name=op.f('fk_gpu_prices_gpu_id_gpus'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gpu_prices')),
    sa.UniqueConstraint('gpu_id', 'observed', name=op.f('uq_gpu_prices_gpu_id_observed'))
    )
    op.create_table('measured_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('video_model_id', sa.Integer(), nullable=False),
    sa.Column('gpu_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('frames', sa.Integer(), nullable=False),
    sa.Column('steps', sa.Integer(), nullable=False),
    sa.Column('guidance_passes', sa.Integer(), nullable=False),
    sa.Column('gpus', sa.Integer(), nullable=False),
    sa.Column('wall_seconds', sa.Float(), nullable=False),
    sa.Column('peak_memory_gb', sa.Float(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.CheckConstraint("purpose IN ('calibration', 'validation')", name=op.f('ck_measured_runs_purpose_known')),
    sa.CheckConstraint('frames > 0', name=op.f('ck_measured_runs_frames_positive')),
    sa.CheckConstraint('gpus > 0', name=op.f('ck_measured_runs_gpus_positive')),
    sa.CheckConstraint('guidance_passes > 0', name=op.f('ck_measured_runs_guidance_passes_positive')),
    sa.CheckConstraint('height > 0', name=op.f('ck_measured_runs_height_positive')),
    sa.CheckConstraint('steps > 0', name=op.f('ck_measured_runs_steps_positive')),
    sa.CheckConstraint('wall_seconds > 0', name=op.f('ck_measured_runs_wall_seconds_positive')),
    sa.CheckConstraint('width > 0', name=op.f('ck_measured_runs_width_positive')),
    sa.ForeignKeyConstraint(['gpu_id'], ['gpus.id'], name=op.f('fk_measured_runs_gpu_id_gpus')),
    sa.ForeignKeyConstraint(['video_model_id'], ['video_models.id'], name=op.f('fk_measured_runs_video_model_id_video_models')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measured_runs')),
    sa.UniqueConstraint('slug', name=op.f('uq_measured_runs_slug'))
    )
    with op.batch_alter_table('measured_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measured_runs_gpu_id'), ['gpu_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measured_runs_video_model_id'), ['video_model_id'], unique=False)

    op.create_table('scenarios',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('claim', sa.Text(), nullable=False),
    sa.Column('observed', sa.String(length=10), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('bound', sa.String(length=20), nullable=False),
    sa.Column('usd_per_video_minute', sa.Float(), nullable=True),
    sa.Column('llm_usd_per_1k', sa.Float(), nullable=True),
    sa.Column('price_ratio', sa.Float(), nullable=True),
    sa.Column('gpu_id', sa.Integer(), nullable=True),
    sa.Column('gpus', sa.Integer(), nullable=True),
    sa.Column('wall_hours', sa.Float(), nullable=True),
    sa.Column('gpu_hours_per_video_minute', sa.Float(), nullable=True),
    sa.Column('video_model_id', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('fps', sa.Float(), nullable=False),
    sa.Column('clip_seconds', sa.Float(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("bound IN ('about', 'at_least', 'at_most')", name=op.f('ck_scenarios_bound_known')),
    sa.CheckConstraint('clip_seconds > 0', name=op.f('ck_scenarios_clip_seconds_positive')),
    sa.CheckConstraint('fps > 0', name=op.f('ck_scenarios_fps_positive')),
    sa.CheckConstraint('height > 0', name=op.f('ck_scenarios_height_positive')),
    sa.CheckConstraint('length(observed) IN (4, 7, 10)', name=op.f('ck_scenarios_observed_partial_date')),
    sa.CheckConstraint('usd_per_video_minute IS NOT NULL OR gpu_hours_per_video_minute IS NOT NULL OR (wall_hours IS NOT NULL AND gpus IS NOT NULL) OR (llm_usd_per_1k IS NOT NULL AND price_ratio IS NOT NULL)', name=op.f('ck_scenarios_states_a_figure')),
    sa.CheckConstraint('width > 0', name=op.f('ck_scenarios_width_positive')),
    sa.ForeignKeyConstraint(['gpu_id'], ['gpus.id'], name=op.f('fk_scenarios_gpu_id_gpus')),
    sa.ForeignKeyConstraint(['video_model_id'], ['video_models.id'], name=op.f('fk_scenarios_video_model_id_video_models')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenarios')),
    sa.UniqueConstraint('slug', name=op.f('uq_scenarios_slug'))
    )
    with op.batch_alter_table('scenarios', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scenarios_gpu_id'), ['gpu_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scenarios_video_model_id'), ['video_model_id'], unique=False)



def downgrade():
    with op.batch_alter_table('scenarios', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scenarios_video_model_id'))
        batch_op.drop_index(batch_op.f('ix_scenarios_gpu_id'))

    op.drop_table('scenarios')
    with op.batch_alter_table('measured_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measured_runs_video_model_id'))
        batch_op.drop_index(batch_op.f('ix_measured_runs_gpu_id'))

    op.drop_table('measured_runs')
    op.drop_table('gpu_prices')
    op.drop_table('video_models')
    op.drop_table('llm_prices')
    op.drop_table('gpus')
    op.drop_table('api_prices')
