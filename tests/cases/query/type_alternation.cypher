MATCH (p:Person {name: 'Nguyễn Thị Lan'})-[r:MEMBER_OF|ATTENDED]->(x) RETURN type(r) AS type, x.name AS target ORDER BY type
