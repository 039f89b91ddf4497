// An index-anchored lookup by exact name.
MATCH (p:Person {name: 'Nguyễn Thị Lan'}) RETURN p.name, p.born
