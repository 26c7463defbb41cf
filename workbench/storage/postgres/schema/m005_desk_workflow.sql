-- Migration 5 on PostgreSQL: after the DuckDB step's own function (workbench/storage/workflow_schema.py,
-- run through PgConnection: the same tables, columns and carried-over rows), the keys and indexes
-- PostgreSQL keeps cheaply. attendance_events and service_orders were rewritten by the step, so their
-- indexes of migration 1 are made again here.
ALTER TABLE service_orders ADD PRIMARY KEY (order_id);
CREATE INDEX service_orders_protocol ON service_orders (protocol);
CREATE INDEX service_orders_open ON service_orders (status, order_id)
    WHERE status IN ('Aberta', 'Agendada', 'Em Execução');
CREATE INDEX service_order_events_order ON service_order_events (order_id, event_at);
CREATE INDEX attendance_events_protocol ON attendance_events (protocol, event_at);
ALTER TABLE attendance_contacts ADD PRIMARY KEY (protocol, seq);
CREATE INDEX attendance_contacts_call ON attendance_contacts (call_protocol) WHERE call_protocol IS NOT NULL;
-- one row per open attendance: written and removed by protocol in every writing transaction
ALTER TABLE open_attendances ADD PRIMARY KEY (protocol);
CREATE INDEX open_attendances_owner ON open_attendances (owner_id, due_at);
CREATE INDEX open_attendances_queue ON open_attendances (queue_code, due_at);
CREATE INDEX open_attendances_client_title ON open_attendances (client_id, title_code, created_at);
CREATE INDEX operator_queues_queue ON operator_queues (queue_code);
