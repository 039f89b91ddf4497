// The analyst idiom: the titles each person holds, one list per person.
MATCH (tan:Person {name: 'Phùng Sĩ Tấn'}), (lan:Person {name: 'Nguyễn Thị Lan'})
CREATE (tan)-[:HOLDS]->(:Role {title: 'Minister of National Defence'}),
       (tan)-[:HOLDS]->(:Role {title: 'Deputy Minister'}),
       (lan)-[:HOLDS]->(:Role {title: 'Spokesperson'});
MATCH (p:Person)
RETURN p.name, [(p)-[:HOLDS]->(r) | r.title] AS titles,
       [(p)-[:HOLDS]->(r) WHERE r.title CONTAINS 'Minister' | r.title] AS ministerial,
       size([(p)-[:HOLDS]->() | 1]) AS roles
ORDER BY p.name
