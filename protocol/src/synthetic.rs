//! A synthetic catalog for benchmarks: the real procedures plus generated ones that read
//! like the long tail of a province's 1,600–1,900 procedures (licences, certificates,
//! approvals in many sectors). Every generated entry is marked `synthetic` and has a
//! `synthetic.NNNNN` code. Deterministic: the same inputs give the same catalog.

use crate::catalog::{Fact, Procedure};

const ACTIONS: [(&str, &str); 12] = [
    ("Cấp", "Issuance of"),
    ("Cấp lại", "Re-issuance of"),
    ("Cấp đổi", "Exchange of"),
    ("Gia hạn", "Extension of"),
    ("Điều chỉnh", "Amendment of"),
    ("Thu hồi", "Revocation of"),
    ("Thẩm định", "Appraisal of"),
    ("Phê duyệt", "Approval of"),
    ("Xác nhận", "Certification of"),
    ("Đăng ký", "Registration of"),
    ("Công nhận", "Recognition of"),
    ("Chấp thuận", "Acceptance of"),
];

const OBJECTS: [(&str, &str); 16] = [
    ("giấy phép hoạt động", "operating licence"),
    ("chứng chỉ hành nghề", "practising certificate"),
    ("giấy chứng nhận đủ điều kiện", "certificate of eligibility"),
    ("giấy phép kinh doanh", "business licence"),
    ("hồ sơ thiết kế", "design dossier"),
    ("phương án", "plan"),
    ("giấy xác nhận", "confirmation"),
    ("quyết định thành lập", "establishment decision"),
    ("giấy phép khai thác", "exploitation licence"),
    ("bằng khen", "certificate of merit"),
    ("giấy chứng nhận đăng ký", "registration certificate"),
    ("văn bản chấp thuận", "letter of approval"),
    ("hợp đồng", "contract"),
    ("báo cáo đánh giá tác động", "impact assessment report"),
    ("danh mục", "list"),
    ("kế hoạch", "plan of operations"),
];

const SECTORS: [(&str, &str); 24] = [
    ("cơ sở bán lẻ thuốc", "drug retail establishments"),
    ("dịch vụ karaoke", "karaoke services"),
    ("khai thác thủy sản", "fisheries"),
    (
        "vận tải hành khách bằng xe ô tô",
        "passenger road transport",
    ),
    ("trường mầm non tư thục", "private kindergartens"),
    ("cơ sở khám bệnh, chữa bệnh", "medical facilities"),
    ("kinh doanh xăng dầu", "petroleum trading"),
    ("sản xuất rượu thủ công", "craft alcohol production"),
    ("nuôi trồng thủy sản", "aquaculture"),
    ("bảo vệ môi trường", "environmental protection"),
    ("tài nguyên nước", "water resources"),
    ("khoáng sản", "minerals"),
    ("di tích lịch sử văn hóa", "historical and cultural relics"),
    ("thư viện", "libraries"),
    ("cơ sở giáo dục nghề nghiệp", "vocational schools"),
    ("hợp tác xã nông nghiệp", "agricultural cooperatives"),
    ("giống cây trồng", "plant varieties"),
    ("thú y", "veterinary services"),
    ("an toàn thực phẩm", "food safety"),
    ("phòng cháy chữa cháy", "fire prevention"),
    ("quảng cáo ngoài trời", "outdoor advertising"),
    ("lữ hành nội địa", "domestic travel services"),
    ("tổ chức tôn giáo", "religious organisations"),
    ("hội, quỹ xã hội", "associations and social funds"),
];

/// A catalog of `count` procedures: `real` first (as they are), then generated ones built
/// on their forms and documents so that entries have a realistic size.
pub fn catalog(real: &[Procedure], count: usize) -> Vec<Procedure> {
    let mut procedures: Vec<Procedure> = real.iter().take(count).cloned().collect();
    if real.is_empty() {
        return procedures;
    }
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        // xorshift64*: deterministic and good enough to spread popularity.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let mut index = 0usize;
    while procedures.len() < count {
        let action = ACTIONS[index % ACTIONS.len()];
        let object = OBJECTS[(index / ACTIONS.len()) % OBJECTS.len()];
        let sector = SECTORS[(index / (ACTIONS.len() * OBJECTS.len())) % SECTORS.len()];
        let template = &real[index % real.len()];
        let mut procedure = template.clone();
        procedure.code = format!("synthetic.{:05}", index + 1);
        procedure.name_vi = format!("{} {} {}", action.0, object.0, sector.0);
        procedure.name_en = format!("{} {} for {}", action.1, object.1, sector.1);
        procedure.popularity = (next() % 200) as u32 + 1;
        procedure.processing_days = Fact::Known((next() % 20) as u32 + 3);
        procedure.synthetic = true;
        procedure.legal_basis = vec!["Dữ liệu tổng hợp cho đo hiệu năng (synthetic)".into()];
        procedures.push(procedure);
        index += 1;
    }
    procedures
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::assemble;

    #[test]
    fn generates_the_requested_count_deterministically_and_marked() {
        let real = vec![crate::catalog::tests::sample("1.001193")];
        let first = catalog(&real, 2000);
        assert_eq!(first.len(), 2000);
        assert_eq!(first, catalog(&real, 2000));
        assert!(!first[0].synthetic);
        assert!(
            first[1..]
                .iter()
                .all(|p| p.synthetic && p.code.starts_with("synthetic."))
        );
        let catalog = assemble(first, vec![]).expect("unique codes");
        assert!(catalog.synthetic);
        let names: std::collections::HashSet<&str> = catalog
            .procedures
            .iter()
            .map(|p| p.name_vi.as_str())
            .collect();
        assert!(names.len() > 1900, "names are varied: {}", names.len());
    }
}
