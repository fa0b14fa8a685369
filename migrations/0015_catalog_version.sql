-- A counter the public catalog's snapshot is keyed on (issue 19): every change to what
-- the catalog shows bumps it, in the transaction that makes the change, whoever makes it
-- (a sync, a pricing rule repricing items, an admin's edit, the command line). Sales
-- counters do not: `total_sold` moving alone leaves it as it is.
CREATE TABLE catalog_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    v  INTEGER NOT NULL
);
INSERT INTO catalog_version (id, v) VALUES (1, 0);

CREATE TRIGGER catalog_cats_ins AFTER INSERT ON product_categories BEGIN UPDATE catalog_version SET v = v + 1; END;
CREATE TRIGGER catalog_cats_upd AFTER UPDATE ON product_categories BEGIN UPDATE catalog_version SET v = v + 1; END;
CREATE TRIGGER catalog_cats_del AFTER DELETE ON product_categories BEGIN UPDATE catalog_version SET v = v + 1; END;
CREATE TRIGGER catalog_products_ins AFTER INSERT ON products BEGIN UPDATE catalog_version SET v = v + 1; END;
CREATE TRIGGER catalog_products_upd AFTER UPDATE ON products BEGIN UPDATE catalog_version SET v = v + 1; END;
CREATE TRIGGER catalog_products_del AFTER DELETE ON products BEGIN UPDATE catalog_version SET v = v + 1; END;
CREATE TRIGGER catalog_items_ins AFTER INSERT ON product_items BEGIN UPDATE catalog_version SET v = v + 1; END;
CREATE TRIGGER catalog_items_upd AFTER UPDATE ON product_items WHEN NEW.total_sold IS OLD.total_sold
    BEGIN UPDATE catalog_version SET v = v + 1; END;
CREATE TRIGGER catalog_items_del AFTER DELETE ON product_items BEGIN UPDATE catalog_version SET v = v + 1; END;
CREATE TRIGGER catalog_rules_ins AFTER INSERT ON pricing_rules BEGIN UPDATE catalog_version SET v = v + 1; END;
CREATE TRIGGER catalog_rules_upd AFTER UPDATE ON pricing_rules BEGIN UPDATE catalog_version SET v = v + 1; END;
CREATE TRIGGER catalog_rules_del AFTER DELETE ON pricing_rules BEGIN UPDATE catalog_version SET v = v + 1; END;
