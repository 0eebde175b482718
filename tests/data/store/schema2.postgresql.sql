-- taskdb schema version 2 (the store before issue 9's renditions) for PostgreSQL, as the previous code
-- created it: CreateTable/CreateIndex of pipeline/store/schema.py at that version
CREATE TABLE runs (
	id SERIAL NOT NULL, 
	pipeline_version TEXT NOT NULL, 
	stages JSON NOT NULL, 
	options JSON NOT NULL, 
	started_at VARCHAR(32) NOT NULL, 
	finished_at VARCHAR(32), 
	status TEXT NOT NULL, 
	host TEXT, 
	pid INTEGER, 
	heartbeat_at VARCHAR(32), 
	n_files INTEGER, 
	n_stored INTEGER, 
	n_skipped INTEGER, 
	n_errors INTEGER, 
	n_tasks INTEGER, 
	n_units INTEGER, 
	n_metrics INTEGER, 
	PRIMARY KEY (id)
);
CREATE TABLE taskdb_meta (
	key VARCHAR(64) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY (key)
);
CREATE TABLE units (
	id TEXT NOT NULL, 
	scope TEXT NOT NULL, 
	canonical TEXT NOT NULL, 
	region TEXT, 
	kind TEXT, 
	level TEXT, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_units_canonical ON units (canonical);
CREATE TABLE documents (
	sha256 VARCHAR(64) NOT NULL, 
	format TEXT NOT NULL, 
	title TEXT, 
	doc_type TEXT, 
	year INTEGER, 
	issuer TEXT, 
	region TEXT, 
	n_chars INTEGER NOT NULL, 
	text TEXT NOT NULL, 
	meta JSON, 
	pipeline_version TEXT NOT NULL, 
	run_id INTEGER, 
	PRIMARY KEY (sha256), 
	FOREIGN KEY(run_id) REFERENCES runs (id)
);
CREATE INDEX ix_documents_issuer ON documents (issuer);
CREATE INDEX ix_documents_year ON documents (year);
CREATE TABLE errors (
	path TEXT NOT NULL, 
	sha256 VARCHAR(64), 
	code TEXT NOT NULL, 
	message TEXT, 
	mtime FLOAT, 
	run_id INTEGER, 
	PRIMARY KEY (path), 
	FOREIGN KEY(run_id) REFERENCES runs (id)
);
CREATE INDEX ix_errors_code ON errors (code);
CREATE TABLE unit_aliases (
	unit_id TEXT NOT NULL, 
	name TEXT NOT NULL, 
	PRIMARY KEY (unit_id, name), 
	FOREIGN KEY(unit_id) REFERENCES units (id) ON DELETE CASCADE
);
CREATE INDEX ix_unit_aliases_name ON unit_aliases (name);
CREATE TABLE document_paths (
	path TEXT NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	mtime FLOAT, 
	size INTEGER, 
	run_id INTEGER, 
	PRIMARY KEY (path), 
	FOREIGN KEY(sha256) REFERENCES documents (sha256) ON DELETE CASCADE, 
	FOREIGN KEY(run_id) REFERENCES runs (id)
);
CREATE INDEX ix_document_paths_sha256 ON document_paths (sha256);
CREATE TABLE flags (
	sha256 VARCHAR(64) NOT NULL, 
	ord INTEGER NOT NULL, 
	code TEXT NOT NULL, 
	message TEXT, 
	span_start INTEGER, 
	span_end INTEGER, 
	PRIMARY KEY (sha256, ord), 
	FOREIGN KEY(sha256) REFERENCES documents (sha256) ON DELETE CASCADE
);
CREATE INDEX ix_flags_code ON flags (code);
CREATE TABLE metrics (
	sha256 VARCHAR(64) NOT NULL, 
	ord INTEGER NOT NULL, 
	section_id TEXT, 
	subject TEXT, 
	category TEXT, 
	value FLOAT, 
	value_max FLOAT, 
	unit TEXT, 
	approx BOOLEAN NOT NULL, 
	masked BOOLEAN NOT NULL, 
	as_of TEXT, 
	raw TEXT, 
	span_start INTEGER, 
	span_end INTEGER, 
	PRIMARY KEY (sha256, ord), 
	FOREIGN KEY(sha256) REFERENCES documents (sha256) ON DELETE CASCADE
);
CREATE INDEX ix_metrics_category ON metrics (category, unit);
CREATE TABLE sections (
	sha256 VARCHAR(64) NOT NULL, 
	id TEXT NOT NULL, 
	ord INTEGER NOT NULL, 
	parent TEXT, 
	level INTEGER, 
	number TEXT, 
	heading TEXT, 
	marker TEXT, 
	span_start INTEGER, 
	span_end INTEGER, 
	PRIMARY KEY (sha256, id), 
	FOREIGN KEY(sha256) REFERENCES documents (sha256) ON DELETE CASCADE
);
CREATE TABLE tasks (
	sha256 VARCHAR(64) NOT NULL, 
	id TEXT NOT NULL, 
	ord INTEGER NOT NULL, 
	section_id TEXT, 
	text TEXT NOT NULL, 
	domain TEXT, 
	span_start INTEGER, 
	span_end INTEGER, 
	PRIMARY KEY (sha256, id), 
	FOREIGN KEY(sha256) REFERENCES documents (sha256) ON DELETE CASCADE
);
CREATE INDEX ix_tasks_domain ON tasks (domain);
CREATE TABLE deadlines (
	sha256 VARCHAR(64) NOT NULL, 
	task_id TEXT NOT NULL, 
	ord INTEGER NOT NULL, 
	kind TEXT NOT NULL, 
	date TEXT, 
	start_date TEXT, 
	end_date TEXT, 
	due TEXT, 
	freq TEXT, 
	min_count INTEGER, 
	masked BOOLEAN NOT NULL, 
	raw TEXT, 
	span_start INTEGER, 
	span_end INTEGER, 
	PRIMARY KEY (sha256, task_id, ord), 
	FOREIGN KEY(sha256, task_id) REFERENCES tasks (sha256, id) ON DELETE CASCADE
);
CREATE INDEX ix_deadlines_due ON deadlines (due);
CREATE INDEX ix_deadlines_start_date ON deadlines (start_date);
CREATE TABLE task_units (
	sha256 VARCHAR(64) NOT NULL, 
	task_id TEXT NOT NULL, 
	ord INTEGER NOT NULL, 
	unit_id TEXT NOT NULL, 
	name TEXT NOT NULL, 
	canonical TEXT NOT NULL, 
	role TEXT NOT NULL, 
	PRIMARY KEY (sha256, task_id, ord), 
	FOREIGN KEY(sha256, task_id) REFERENCES tasks (sha256, id) ON DELETE CASCADE, 
	FOREIGN KEY(unit_id) REFERENCES units (id)
);
CREATE INDEX ix_task_units_canonical_role ON task_units (canonical, role);
CREATE INDEX ix_task_units_name_role ON task_units (name, role);
CREATE INDEX ix_task_units_unit_role ON task_units (unit_id, role);
