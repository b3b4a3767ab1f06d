-- V5 made the list of a GPU's metrics 4,000 characters wide; an exporter with many fields (DCGM has hundreds) writes a
-- longer one. (V5 itself was briefly edited to the wider type: databases that ran that edit are already wide, and
-- this statement changes nothing for them.)
ALTER TABLE gpu ALTER COLUMN metrics SET DATA TYPE VARCHAR(100000);
