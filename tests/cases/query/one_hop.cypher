MATCH (p:Person)-[m:MEMBER_OF]->(i:Institution) RETURN p.name, m.role, i.name ORDER BY m.role
