import type { Kysely } from 'kysely';
import type { Hl7MigrationContext } from './hl7-migration-context.ts';

// The HL7 bridge's tables (row types in ./hl7-schema.ts). The sidecar registers this as '0003-hl7'.
export function hl7Migration(context: Hl7MigrationContext) {
  const { serialPrimaryKey } = context;
  const bytes = context.dialect === 'sqlite' ? 'blob' : 'bytea';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await serialPrimaryKey(db.schema.createTable('hl7_inbox'), 'id')
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('connection_id', 'text')
        .addColumn('remote_address', 'text')
        .addColumn('sending_application', 'text')
        .addColumn('sending_facility', 'text')
        .addColumn('control_id', 'text')
        .addColumn('dedup_key', 'text', (c) => c.unique())
        .addColumn('message_type', 'text')
        .addColumn('version', 'text')
        .addColumn('charset', 'text')
        .addColumn('application_ack_type', 'text')
        .addColumn('batch_control_id', 'text')
        .addColumn('raw_message', bytes, (c) => c.notNull())
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('ack_message', bytes, (c) => c.notNull())
        .addColumn('ack_code', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('error_code', 'text')
        .addColumn('error_detail', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text')
        .addColumn('processed_at', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('hl7_inbox_key')
        .on('hl7_inbox')
        .columns(['sending_application', 'sending_facility', 'control_id'])
        .execute();
      // The worker's queue: due messages in arrival order.
      await db.schema
        .createIndex('hl7_inbox_state_due')
        .on('hl7_inbox')
        .columns(['state', 'next_attempt_at'])
        .execute();

      await serialPrimaryKey(db.schema.createTable('hl7_patients'), 'id')
        .addColumn('mrn', 'text', (c) => c.notNull())
        .addColumn('mrn_issuer', 'text', (c) => c.notNull())
        .addColumn('family_name', 'text', (c) => c.notNull())
        .addColumn('given_name', 'text', (c) => c.notNull())
        .addColumn('middle_name', 'text', (c) => c.notNull())
        .addColumn('name_suffix', 'text', (c) => c.notNull())
        .addColumn('name_prefix', 'text', (c) => c.notNull())
        .addColumn('birth_date', 'text')
        .addColumn('sex', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('merged_into_patient_id', 'integer', (c) => c.references('hl7_patients.id'))
        .addColumn('last_message_id', 'integer', (c) => c.notNull().references('hl7_inbox.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('hl7_patients_mrn', ['mrn', 'mrn_issuer'])
        .execute();
      // Demographic matching (DESIGN section 6) narrows by birth date first.
      await db.schema.createIndex('hl7_patients_birth_date').on('hl7_patients').column('birth_date').execute();

      await serialPrimaryKey(db.schema.createTable('hl7_patient_identifiers'), 'id')
        .addColumn('patient_id', 'integer', (c) => c.notNull().references('hl7_patients.id'))
        .addColumn('identifier', 'text', (c) => c.notNull())
        .addColumn('assigning_authority', 'text', (c) => c.notNull())
        .addColumn('assigning_authority_universal_id', 'text', (c) => c.notNull())
        .addColumn('assigning_authority_universal_id_type', 'text', (c) => c.notNull())
        .addColumn('identifier_type', 'text', (c) => c.notNull())
        .addColumn('assigning_facility', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('hl7_patient_identifiers_patient')
        .on('hl7_patient_identifiers')
        .column('patient_id')
        .execute();
      await db.schema
        .createIndex('hl7_patient_identifiers_value')
        .on('hl7_patient_identifiers')
        .columns(['identifier', 'assigning_authority'])
        .execute();

      await serialPrimaryKey(db.schema.createTable('hl7_patient_events'), 'id')
        .addColumn('patient_id', 'integer', (c) => c.notNull().references('hl7_patients.id'))
        .addColumn('inbox_message_id', 'integer', (c) => c.notNull().references('hl7_inbox.id'))
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('message_type', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('hl7_patient_events_patient').on('hl7_patient_events').column('patient_id').execute();
      await db.schema
        .createIndex('hl7_patient_events_message')
        .on('hl7_patient_events')
        .column('inbox_message_id')
        .execute();

      await serialPrimaryKey(db.schema.createTable('hl7_orders'), 'id')
        .addColumn('order_key', 'text', (c) => c.notNull().unique())
        .addColumn('placer_order_number', 'text')
        .addColumn('placer_application', 'text', (c) => c.notNull())
        .addColumn('filler_order_number', 'text')
        .addColumn('filler_application', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('order_control', 'text', (c) => c.notNull())
        .addColumn('order_status_code', 'text')
        .addColumn('mrn', 'text', (c) => c.notNull())
        .addColumn('mrn_issuer', 'text', (c) => c.notNull())
        .addColumn('patient_family_name', 'text', (c) => c.notNull())
        .addColumn('patient_given_name', 'text', (c) => c.notNull())
        .addColumn('patient_middle_name', 'text', (c) => c.notNull())
        .addColumn('patient_name_suffix', 'text', (c) => c.notNull())
        .addColumn('patient_name_prefix', 'text', (c) => c.notNull())
        .addColumn('patient_birth_date', 'text')
        .addColumn('patient_sex', 'text')
        .addColumn('accession_number', 'text')
        .addColumn('requested_procedure_id', 'text')
        .addColumn('scheduled_procedure_step_id', 'text')
        .addColumn('procedure_code', 'text')
        .addColumn('procedure_coding_system', 'text')
        .addColumn('procedure_text', 'text')
        .addColumn('modality', 'text')
        .addColumn('study_instance_uid', 'text')
        .addColumn('ordered_at', 'text')
        .addColumn('scheduled_at', 'text')
        .addColumn('department', 'text')
        .addColumn('ordering_provider_id', 'text')
        .addColumn('ordering_provider_name', 'text')
        .addColumn('reason_for_study', 'text')
        .addColumn('created_by_message_id', 'integer', (c) => c.notNull().references('hl7_inbox.id'))
        .addColumn('last_message_id', 'integer', (c) => c.notNull().references('hl7_inbox.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // Lookups of the reconciliation (DESIGN section 6): a patient's orders, an accession, a UID.
      await db.schema
        .createIndex('hl7_orders_patient')
        .on('hl7_orders')
        .columns(['mrn', 'mrn_issuer', 'status'])
        .execute();
      await db.schema.createIndex('hl7_orders_accession').on('hl7_orders').column('accession_number').execute();
      await db.schema.createIndex('hl7_orders_study_uid').on('hl7_orders').column('study_instance_uid').execute();
      await db.schema
        .createIndex('hl7_orders_placer')
        .on('hl7_orders')
        .columns(['placer_order_number', 'placer_application'])
        .execute();
      await db.schema
        .createIndex('hl7_orders_filler')
        .on('hl7_orders')
        .columns(['filler_order_number', 'filler_application'])
        .execute();
      await db.schema.createIndex('hl7_orders_updated').on('hl7_orders').column('updated_at').execute();

      await serialPrimaryKey(db.schema.createTable('hl7_order_events'), 'id')
        .addColumn('order_id', 'integer', (c) => c.notNull().references('hl7_orders.id'))
        .addColumn('inbox_message_id', 'integer', (c) => c.notNull().references('hl7_inbox.id'))
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('order_control', 'text')
        .addColumn('status_before', 'text')
        .addColumn('status_after', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('hl7_order_events_order').on('hl7_order_events').column('order_id').execute();
      await db.schema
        .createIndex('hl7_order_events_message')
        .on('hl7_order_events')
        .column('inbox_message_id')
        .execute();

      await serialPrimaryKey(db.schema.createTable('hl7_outbox'), 'id')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('control_id', 'text', (c) => c.notNull().unique())
        .addColumn('message_type', 'text', (c) => c.notNull())
        .addColumn('payload', bytes, (c) => c.notNull())
        .addColumn('request', 'text')
        .addColumn('study_instance_uid', 'text')
        .addColumn('placer_order_number', 'text')
        .addColumn('requested_by', 'text')
        .addColumn('inbox_message_id', 'integer', (c) => c.references('hl7_inbox.id'))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text')
        .addColumn('last_error', 'text')
        .addColumn('ack_code', 'text')
        .addColumn('ack_message', bytes)
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .execute();
      await db.schema
        .createIndex('hl7_outbox_state_due')
        .on('hl7_outbox')
        .columns(['state', 'next_attempt_at'])
        .execute();
      await db.schema.createIndex('hl7_outbox_study_uid').on('hl7_outbox').column('study_instance_uid').execute();
    },
  };
}
